"""One status row per check, for the table at the top of every ``check`` report.

A row's status is the worst of its check's findings: an error is ``fail``, a warning
``warn``, a failed lookup ``inconclusive``; the evidence is one short line of what
was found, so the table alone answers "what is wrong, where".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from triage.findings import Finding, Severity
from triage.verdict.signals import COMPLETED, TEMPORARY

if TYPE_CHECKING:
    from triage.checks.dkim.keyrecord import KeyRecord
    from triage.checks.dkim.result import DkimResult
    from triage.checks.dmarc.result import DmarcResult
    from triage.checks.posture.result import PostureResult
    from triage.checks.snds.result import SndsResult
    from triage.deferrals.result import DeferralResult
    from triage.sender.result import IpResults, SenderResult


@dataclass(frozen=True)
class Row:
    check: str
    target: str
    status: str  # pass | warn | fail | inconclusive | skipped
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "target": self.target, "status": self.status,
                "evidence": self.evidence}


def status(findings: Iterable[Finding], check: str | None = None) -> str:
    mine = [f for f in findings if check is None or f.check == check]
    failed_lookup = any(f.code in TEMPORARY for f in mine)
    # "not authorized", "missing": not proven when the lookups behind them failed
    if any(f.severity is Severity.ERROR and f.code not in TEMPORARY
           and not (failed_lookup and f.code in COMPLETED) for f in mine):
        return "fail"
    if failed_lookup:
        return "inconclusive"
    if any(f.severity is Severity.WARNING for f in mine):
        return "warn"
    return "pass"


def overview(result: SenderResult) -> list[Row]:
    rows = _rows(result)
    unsure = set(result.verdict.inconclusive)
    return [Row(r.check, r.target, "inconclusive", r.evidence)
            if r.check in unsure and r.status in ("pass", "warn") else r for r in rows]


def _rows(result: SenderResult) -> list[Row]:
    rows: list[Row] = []
    for ip in result.ips:
        rows.append(_spf(ip))
    rows.append(_dkim(result.dkim))
    rows.append(_dmarc(result.dmarc))
    for ip in result.ips:
        rows += _rdns(ip)
    for ip in result.ips:
        rows.append(_dnsbl(ip))
    rows.append(_snds(result.snds))
    if result.posture is not None:
        rows.append(_posture(result.posture))
    rows.append(_deferrals(result.deferrals))
    return rows


def _snds(snds: SndsResult | None) -> Row:
    if snds is None:
        return Row("snds", "-", "skipped", "no --snds-key given")
    target = ", ".join(snds.ips) or "all IPs of the key"
    unread = [p for p in snds.pages if p.error is not None]
    parts = [f"{r.ip} {r.filter_result}, {r.trap_hits} trap hits" for r in snds.rows[:3]]
    if not snds.rows and not any(p.page == "data.aspx" for p in unread):
        parts.append("no data rows")
    if snds.blocked:
        parts.append("blocked: " + ", ".join(f"{b.first_ip}-{b.last_ip}" for b in snds.blocked))
    elif not any(p.page == "ipStatus.aspx" for p in unread):
        parts.append("not blocked")
    parts += [f"{p.page} not read ({p.error})" for p in unread]
    return Row("snds", target, status(snds.findings), "; ".join(parts))


def _posture(posture: PostureResult) -> Row:
    sts, rpt, mark = posture.mta_sts, posture.tls_rpt, posture.bimi
    if sts.mode is not None:
        covered = len(sts.mx_hosts) - len(sts.unmatched)
        mta = f"MTA-STS {sts.mode} ({covered} of {len(sts.mx_hosts)} MX covered)"
    elif sts.fetch is not None and sts.fetch.error is not None:
        mta = f"MTA-STS policy not read ({sts.fetch.error})"
    else:
        mta = "MTA-STS " + ("record only" if sts.record else "none")
    tls = "TLS-RPT " + ("yes" if rpt.rua else "none")
    bimi = "BIMI " + ("yes" if mark.logo else "none")
    return Row("posture", posture.domain, status(posture.findings), f"{mta}; {tls}; {bimi}")


def _spf(ip: IpResults) -> Row:
    spf = ip.spf
    outcome = spf.outcome.value if spf.outcome is not None else "-"
    matched = f" ({spf.matched})" if spf.matched else ""
    evidence = f"{outcome} for {ip.ip}{matched}; {spf.tree_lookups} of 10 lookups"
    return Row("spf", spf.domain, status(spf.findings), evidence)


def _dkim(dkim: DkimResult) -> Row:
    from triage.checks.dkim.keyrecord import KeyStatus

    valid = [s for s in dkim.selectors if s.status is KeyStatus.VALID]
    keys = ", ".join(f"{s.selector} ({_key(s.key)})" for s in valid[:4]) or "no valid key"
    more = f" and {len(valid) - 4} more" if len(valid) > 4 else ""
    evidence = f"{keys}{more}"
    if dkim.message is not None:
        passed = sum(1 for s in dkim.message.signatures if s.result.value == "pass")
        evidence += f"; message: {passed} of {len(dkim.message.signatures)} signatures pass"
    return Row("dkim", dkim.domain, status(dkim.findings), evidence)


def _key(key: KeyRecord) -> str:
    kind = key.key_type or "key"
    return f"{kind} {key.key_bits}" if key.key_bits else kind


def _dmarc(dmarc: DmarcResult) -> Row:
    data = dmarc.to_dict()
    align = data.get("alignment") or {}
    if data.get("policy") is None:
        evidence = "no DMARC policy applies"
    else:
        evidence = (f"p={data['policy']} from {data.get('found_at') or '-'}; SPF "
                    f"{align.get('spf', '-')}, DKIM {align.get('dkim', '-')}")
    return Row("dmarc", dmarc.domain, status(dmarc.findings), evidence)


def _rdns(ip: IpResults) -> list[Row]:
    r = ip.rdns
    names = ", ".join(r.ptr[:2]) or "no PTR"
    confirmed = {True: "FCrDNS confirmed", False: "FCrDNS fails", None: "FCrDNS unknown"}
    rows = [Row("rdns", ip.ip, status(r.findings, "rdns"), f"{names}; {confirmed[r.fcrdns]}")]
    if r.helo is None:
        rows.append(Row("helo", ip.ip, "skipped", "no --helo and no single PTR name to use"))
    else:
        h = r.helo
        how = "given" if ip.helo_source == "given" else "the PTR name"
        facts: tuple[str, ...] = ("resolves" if h.resolves else "does not resolve",
                 "matches the IP" if h.matches_ip else "not the IP",
                 "matches the PTR" if h.matches_ptr else "not the PTR")
        state = status(r.findings, "helo")
        if h.resolves is None and state == "pass":  # its lookup failed: nothing proven
            state, facts = "inconclusive", ("its lookup failed",)
        rows.append(Row("helo", h.name, state, f"{how}; " + ", ".join(facts)))
    return rows


def _dnsbl(ip: IpResults) -> Row:
    counts: dict[str, int] = {}
    listed = []
    for entry in ip.dnsbl.lists:
        state = entry.reading.status.value
        counts[state] = counts.get(state, 0) + 1
        if state == "listed":
            listed.append(entry.dnsbl.name)
    parts = [f"{n} {state}" for state, n in sorted(counts.items())]
    evidence = ", ".join(parts) or "no list asked"
    unverified = sum(1 for e in ip.dnsbl.lists if e.self_test is not None
                     and e.self_test.test_entry_missing)
    if unverified:
        evidence += f" ({unverified} without their 127.0.0.2 test entry: unverified)"
    if listed:
        evidence += ": " + ", ".join(listed[:3])
    return Row("dnsbl", ip.ip, status(ip.dnsbl.findings), evidence)


def _deferrals(result: DeferralResult | None) -> Row:
    if result is None:
        return Row("deferrals", "-", "skipped", "no --deferrals sample given")
    t = result.totals
    if not result.recognised:
        return Row("deferrals", _inputs(result), "inconclusive", "no line recognised as a mail log")
    worst = max(result.by_provider.values(), key=lambda p: p.deferral_rate or 0.0, default=None)
    evidence = f"{t.attempts} attempts, {t.deferred} deferred, {t.bounced} bounced"
    if worst is not None and worst.deferral_rate:
        evidence += f"; {worst.name} {100 * worst.deferral_rate:.1f} % deferred"
    return Row("deferrals", _inputs(result), status(result.findings), evidence)


def _inputs(result: DeferralResult) -> str:
    """The file name (the full paths are in deferrals.inputs), or how many files."""
    paths = [i.path for i in result.inputs]
    if len(paths) != 1:
        return f"{len(paths)} files"
    return paths[0].replace("\\", "/").rsplit("/", 1)[-1] or paths[0]
