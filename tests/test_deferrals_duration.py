"""The escalation clock: streaks of deferrals to one provider, measured from the first
deferral to the last one, ended by a bucket back in the normal band."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from triage.deferrals import analyse
from triage.deferrals.buckets import BUCKET_LIMIT, DEFERRED, DELIVERED, Buckets
from triage.deferrals.duration import longest
from triage.deferrals.thresholds import Thresholds

T0 = 1_763_900_400.0  # a bucket boundary (divisible by 300)
NOW = datetime(2026, 11, 23, 23, 0, tzinfo=UTC)
stage = Thresholds().stage


def test_a_burst_inside_one_bucket_lasts_as_long_as_the_burst() -> None:
    b = Buckets()
    b.add("microsoft-365", T0 + 10, DELIVERED, 50)
    b.add("microsoft-365", T0 + 20, DEFERRED, 9, last=T0 + 60)
    streak = longest(b, "microsoft-365")
    assert streak is not None
    assert (streak.start, streak.end) == (T0 + 20, T0 + 60)
    assert streak.minutes == 0.7 and not streak.recovered
    assert stage(streak.minutes) == "monitor"


def test_a_streak_ends_at_a_bucket_back_in_the_normal_band() -> None:
    b = Buckets()
    for minute in range(0, 70, 5):  # 70 minutes of 10 % deferrals
        b.add("microsoft-365", T0 + minute * 60 + 30, DEFERRED, 10)
        b.add("microsoft-365", T0 + minute * 60 + 40, DELIVERED, 90)
    b.add("microsoft-365", T0 + 75 * 60, DELIVERED, 500)  # recovery
    b.add("microsoft-365", T0 + 80 * 60, DEFERRED, 1)  # 1 of 1: a new, short streak
    streak = longest(b, "microsoft-365")
    assert streak is not None and streak.recovered
    assert streak.start == T0 + 30 and streak.end == T0 + 65 * 60 + 30
    assert streak.minutes == 65.0 and stage(streak.minutes) == "escalate"


def test_quiet_buckets_neither_extend_nor_end_a_streak() -> None:
    b = Buckets()
    b.add("google", T0 + 5, DEFERRED, 3)
    b.add("google", T0 + 3600 + 5, DEFERRED, 3, last=T0 + 3600 + 50)
    streak = longest(b, "google")
    assert streak is not None and streak.end - streak.start == 3645
    assert longest(b, "yahoo") is None


def test_widening_keeps_the_deferral_times() -> None:
    b = Buckets()
    for i in range(BUCKET_LIMIT + 1):
        b.add(f"p{i % 7}", T0 + i * 300 + 17, DEFERRED, 1)
    assert b.width == 600
    first = b.deferred_span[("p0", int(T0) // 600)]
    assert first == [T0 + 17, T0 + 17]
    assert all(lo <= hi for lo, hi in b.deferred_span.values())
    assert len(b.deferred_span) == len(b.counts)


def test_real_log_streaks_span_the_logged_deferrals() -> None:
    log = Path(__file__).parent.parent / "fixtures/logs/postfix-suspended/maillog"
    body = analyse([str(log)], NOW).to_dict()
    ms = body["by_provider"]["microsoft-365"]
    # every Microsoft deferral in this log falls in one bucket: the streak is their span
    assert ms["streak"]["start"] == ms["first_seen"] and ms["streak"]["end"] == ms["last_seen"]
    assert ms["streak"]["minutes"] < 5


def test_an_open_streak_recovers_with_a_delivery_after_its_last_deferral() -> None:
    b = Buckets()
    b.add("microsoft-365", T0 + 20, DEFERRED, 9, last=T0 + 44)
    b.add("microsoft-365", T0, DELIVERED, 5)  # counted per minute: the minute before
    streak = longest(b, "microsoft-365")
    assert streak is not None and not streak.recovered
    b.add("microsoft-365", T0 + 60, DELIVERED, 9)  # the next minute: mail goes through
    streak = longest(b, "microsoft-365")
    assert streak is not None and streak.recovered
    assert (streak.start, streak.end) == (T0 + 20, T0 + 44)


def test_real_log_retried_microsoft_deferrals_recovered() -> None:
    """In the suspended-relog log every "Server busy" recipient is delivered on retry."""
    log = Path(__file__).parent.parent / "fixtures/logs/postfix-suspended/maillog"
    body = analyse([str(log)], NOW).to_dict()
    assert body["by_provider"]["microsoft-365"]["streak"]["recovered"] is True
    # mx.down.example never came back: its streak is still open
    assert body["by_provider"]["other"]["streak"]["recovered"] is False
