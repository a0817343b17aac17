"""The typed result: its ``to_dict()`` keeps the report's keys in their documented order,
and every attribute reads what the JSON says."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from triage.deferrals import DeferralResult, analyse
from triage.deferrals.result import ForestRow, HostRow, ScopeRow

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def result() -> DeferralResult:
    return analyse([str(LOGS / "postfix" / "maillog")], NOW)


def test_keys_in_report_order(result: DeferralResult) -> None:
    body = result.to_dict()
    assert list(body) == ["inputs", "totals", "by_class", "by_provider", "codes", "window",
                          "scope", "retries", "timeline", "relog_samples",
                          "unparsed_samples"]
    assert list(body["inputs"][0]) == ["path", "format", "lines", "events", "unparsed",
                                       "error", "timezone"]
    assert list(body["totals"]) == ["attempts", "delivered", "deferred", "bounced", "relogs",
                                    "unparsed_lines", "expired"]
    assert list(body["by_provider"]["microsoft-365"]) == [
        "attempts", "delivered", "deferred", "bounced", "deferral_rate", "band", "first_seen",
        "last_seen", "minutes", "streak", "retries"]
    assert list(body["codes"][0]) == [
        "reply", "enhanced", "token", "class", "provider", "rule", "transient",
        "will_not_clear", "action", "count", "deferred", "bounced", "first_seen",
        "last_seen", "sample", "host", "forest", "region"]
    assert list(body["window"]) == ["first_seen", "last_seen", "minutes", "timezone"]
    assert list(body["retries"]) == ["deferred_recipients", "later_delivered",
                                     "later_bounced", "still_pending", "untracked"]
    assert list(body["timeline"][0]) == ["start", "minutes", "delivered", "deferred",
                                         "bounced", "providers"]
    assert list(body["scope"]["forests"][0]) == [
        "name", "attempts", "delivered", "deferred", "bounced", "deferral_rate", "region",
        "provider"]
    assert list(body["scope"]["receiving_hosts"][0])[-1] == "provider"
    assert "provider" not in body["scope"]["sending_ips"][0]


def test_attributes_read_what_the_json_says(result: DeferralResult) -> None:
    body = result.to_dict()
    assert dataclasses.is_dataclass(result)
    assert result.totals.deferred == body["totals"]["deferred"] > 0
    for code, row in zip(result.codes, body["codes"], strict=True):
        assert (code.cls, code.reply, code.token, code.count) == (
            row["class"], row["reply"], row["token"], row["count"])
    for name, p in result.by_provider.items():
        assert p.name == name and p.deferral_rate == body["by_provider"][name]["deferral_rate"]
        if p.streak is not None:
            assert p.streak.to_dict() == body["by_provider"][name]["streak"]
    assert all(isinstance(r, HostRow) for r in result.scope.receiving_hosts)
    assert all(isinstance(r, ForestRow) for r in result.scope.forests)
    assert all(type(r) is ScopeRow for r in result.scope.sending_ips)
    assert result.window.to_dict() == body["window"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.totals.attempts = 0  # type: ignore[misc]
