"""The verdict's SNDS rules on signals built directly: a RED or blocked IP is never
``wait``; a blocked IP is escalated only for a sender proven clean; an unread SNDS page
makes the part inconclusive (never ``healthy``)."""

from __future__ import annotations

from triage.findings import Finding, Severity
from triage.verdict import Policy, Signals, decide
from triage.verdict.signals import Provider

RED = Finding("snds.red", Severity.ERROR, "snds", "red", "fix red", {"ip": "192.0.2.10"})
BLOCKED = Finding("snds.blocked", Severity.ERROR, "snds", "blocked", "fix block",
                  {"first_ip": "192.0.2.0", "last_ip": "192.0.2.15", "reason": "complaints"})
ERROR = Finding("snds.error", Severity.ERROR, "snds", "unread", "retry", {})


def throttled() -> Provider:
    """Microsoft 365 throttling within the window: on its own, a ``wait``."""
    return Provider("microsoft-365", 1000, 80, 0, 0.08, Policy().band(0.08),
                    {"throttling": 80}, 10.0, False, 0, 5)


def test_throttling_alone_waits() -> None:
    assert decide(Signals(providers={"microsoft-365": throttled()})).action == "wait"


def test_red_is_fix_sender_even_under_throttling() -> None:
    v = decide(Signals(providers={"microsoft-365": throttled()}, snds_red=(RED,)))
    assert (v.action, v.rule, v.reasons) == ("fix-sender", "fix-sender.snds-red", ("snds.red",))
    assert "192.0.2.10" in v.summary and any("SNDS" in s for s in v.steps)


def test_blocked_clean_sender_escalates_with_the_snds_evidence() -> None:
    v = decide(Signals(providers={"microsoft-365": throttled()}, snds_blocked=(BLOCKED,)))
    assert (v.action, v.rule) == ("escalate", "escalate.snds-blocked")
    assert "192.0.2.0-192.0.2.15" in v.summary and "complaints" in v.summary
    assert any("LinkID=614866" in s for s in v.steps)


def test_blocked_but_posture_unproven_is_fix_sender_not_wait() -> None:
    v = decide(Signals(snds_blocked=(BLOCKED,), inconclusive=("dkim",)))
    assert (v.action, v.rule) == ("fix-sender", "fix-sender.snds-blocked")


def test_posture_errors_still_come_first() -> None:
    v = decide(Signals(posture_errors=(Finding("spf.missing", Severity.ERROR, "spf", "x"),),
                       snds_red=(RED,)))
    assert v.rule == "fix-sender.posture"


def test_unread_snds_is_inconclusive_not_healthy() -> None:
    v = decide(Signals(inconclusive=("snds",), temporary=(ERROR,)))
    assert (v.action, v.rule) == ("wait", "wait.inconclusive")
    assert "SNDS" in v.summary and v.reasons == ("snds.error",)


def test_unread_snds_does_not_block_an_escalation() -> None:
    sustained = Provider("outlook.com", 1000, 300, 0, 0.3, "act", {"throttling": 300},
                         120.0, False, 0, 40)
    v = decide(Signals(providers={"outlook.com": sustained}, inconclusive=("snds",),
                       temporary=(ERROR,)))
    assert v.rule == "escalate.sustained"
