"""``Aggregator.merge``: two aggregators fed the halves of a log report what one fed the
whole log reports, wherever the log is cut; a merge that could differ is refused."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from triage.deferrals import parsers
from triage.deferrals.aggregate import Aggregator, Counts
from triage.deferrals.classify import Classifier
from triage.deferrals.summary import build
from triage.deferrals.timeparse import Clock

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
# (log, format): the real-MTA logs; each has recipients deferred, then delivered later
LOGS_AND_FORMATS = [(LOGS / "postfix" / "maillog", "postfix"),
                    (LOGS / "postfix-suspended" / "maillog", "postfix"),
                    (LOGS / "exim" / "mainlog", "exim")]
CLASSIFIER = Classifier()


def feed(agg: Aggregator, data: bytes, fmt: str) -> None:
    """What analyse does with one input (detection aside): count lines, parse."""
    stats = agg.begin("maillog")
    stats.format = fmt
    stats.lines = data.count(b"\n")
    parser = parsers.make(fmt, agg, stats, Clock(NOW))
    parser.feed(data)
    parser.close()


def report(agg: Aggregator) -> dict[str, Any]:
    result = build(agg)
    return {"body": result.to_dict(), "findings": [f.to_dict() for f in result.findings]}


def halves(data: bytes, fraction: float) -> tuple[bytes, bytes]:
    """The log cut at the first line start at or after ``fraction`` of its size."""
    cut = data.find(b"\n", int(len(data) * fraction)) + 1
    return data[:cut], data[cut:]


def whole(data: bytes, fmt: str) -> Aggregator:
    agg = Aggregator(CLASSIFIER)
    feed(agg, data, fmt)
    return agg


@pytest.mark.parametrize("log,fmt", LOGS_AND_FORMATS, ids=lambda v: getattr(v, "parent",
                                                                            Path(v)).name)
@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.5, 0.6, 0.75, 0.9])
def test_halves_merged_equal_one_pass(log: Path, fmt: str, fraction: float) -> None:
    data = log.read_bytes()
    first, second = halves(data, fraction)
    assert first and second
    agg, rest = Aggregator(CLASSIFIER), Aggregator(CLASSIFIER, follows=True)
    feed(agg, first, fmt)
    feed(rest, second, fmt)
    assert agg.merge(rest) is True
    assert report(agg) == report(whole(data, fmt))


def test_retries_cross_the_cut() -> None:
    """The cut falls between deferrals and their later deliveries: the replay settles
    the first half's pending recipients, per provider too."""
    data = (LOGS / "postfix" / "maillog").read_bytes()
    first, second = halves(data, 0.5)
    agg, rest = Aggregator(CLASSIFIER), Aggregator(CLASSIFIER, follows=True)
    feed(agg, first, "postfix")
    feed(rest, second, "postfix")
    pending_before = len(agg.pending)
    assert pending_before and rest.firsts
    assert any(key in agg.pending for key in rest.firsts)
    assert agg.merge(rest)
    one = report(whole(data, "postfix"))["body"]
    assert one["retries"]["later_delivered"] > 0
    assert report(agg)["body"]["by_provider"] == one["by_provider"]


def test_a_pickled_worker_count_merges_the_same() -> None:
    """What workers.py sends through its pipe: the counts alone, no classifier."""
    data = (LOGS / "postfix" / "maillog").read_bytes()
    first, second = halves(data, 0.5)
    agg, rest = Aggregator(CLASSIFIER), Aggregator(CLASSIFIER, follows=True)
    feed(agg, first, "postfix")
    feed(rest, second, "postfix")
    sent = pickle.loads(pickle.dumps(rest.counts(), pickle.HIGHEST_PROTOCOL))
    assert type(sent) is Counts and not hasattr(sent, "classifier")
    assert agg.merge(sent)
    assert report(agg) == report(whole(data, "postfix"))


def test_merge_refuses_what_one_pass_could_not_equal() -> None:
    data = (LOGS / "postfix" / "maillog").read_bytes()
    first, second = halves(data, 0.5)

    def pair(follows: bool = True) -> tuple[Aggregator, Aggregator]:
        agg, rest = Aggregator(CLASSIFIER), Aggregator(CLASSIFIER, follows=follows)
        feed(agg, first, "postfix")
        feed(rest, second, "postfix")
        return agg, rest

    agg, rest = pair(follows=False)  # no first outcomes recorded: nothing to replay
    before = report(agg)
    assert agg.merge(rest) is False and report(agg) == before

    agg, rest = pair()
    rest.inputs[0].format = "exim"  # the head was not what the rest turned out to be
    assert agg.merge(rest) is False and report(agg) == before

    agg, rest = pair()
    rest.retry["untracked"] += 1  # the tracker was full there
    assert agg.merge(rest) is False and report(agg) == before


def test_a_recipient_deferred_to_two_providers_keeps_the_first() -> None:
    """Exim's "retry time not reached" names no host: a second half that starts with one
    (before any attempt there names the domain's host) sees a first deferral for the
    recipient domain's provider, where one pass kept the provider of the real deferral
    in the first half; the merge moves the outcome back."""
    data = (LOGS / "exim" / "mainlog").read_bytes()
    cut = data.index(b" == conn-01@contoso.com routing defer (-52): retry time not reached")
    cut = data.rindex(b"\n", 0, cut) + 1
    first, second = data[:cut], data[cut:]
    agg, rest = Aggregator(CLASSIFIER), Aggregator(CLASSIFIER, follows=True)
    feed(agg, first, "exim")
    feed(rest, second, "exim")
    crossed = [k for k, p in rest.first_deferrals.items() if agg.pending.get(k, p) != p]
    assert crossed and any(k in rest.fates for k in crossed)
    assert agg.merge(rest)
    one = report(whole(data, "exim"))["body"]
    assert report(agg)["body"]["by_provider"] == one["by_provider"]
