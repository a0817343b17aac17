"""Score the classifier on real replies from public sources (fixtures/replies/corpus.jsonl).

Each line is a reply as found (a DSN field, an MTA log wording, a client library's
exception, a provider page's quote) with its source and a label read from the provider's
own documentation: provider, class, transient, action, will_not_clear. The score must stay
at or above 95 % for class and action, with no harmful advice at all (``harms``).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from triage.deferrals import explain
from triage.deferrals import providers as providers_mod
from triage.deferrals import rules as rules_mod
from triage.deferrals.classify import Classifier

REPLIES = Path(__file__).parent.parent / "fixtures" / "replies"
CORPUS = REPLIES / "corpus.jsonl"
HELDOUT = (REPLIES / "heldout.jsonl", REPLIES / "heldout2.jsonl")  # gathered after the rules
FIELDS = {"reply", "source", "host", "domain", "provider", "receiver", "class", "transient",
          "action", "will_not_clear"}


def rows(*files: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for path in (files or (CORPUS, *HELDOUT))
            for line in path.read_text().splitlines() if line.strip()]


def harms(label: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """Advice that would hurt the sender (the invariants of the reply rules)."""
    out = []
    permanent = not label["transient"]
    if permanent and (got["action"] in ("wait", "slow-down") or got["transient"]):
        out.append("a permanent reply read as one to wait for")
    if label["transient"] and got["action"] == "clean-list":
        out.append("a recipient dropped on a 4xx")
    if label["class"] == "receiver-capacity" and got["action"] == "fix-sender":
        out.append("the sender blamed for the receiver's outage")
    if label["class"] != "local" and got["class"] == "local":
        out.append("a receiver's reply read as the sending MTA's own problem")
    if label["will_not_clear"] and not got["will_not_clear"]:
        out.append("a 4xx that will not clear left to retry")
    if label["class"] == "blocklist" and got["action"] in ("wait", "slow-down", "none"):
        out.append("a blocklisting left to retry")
    return out


@pytest.fixture(scope="module")
def scored() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    classifier = Classifier()
    return [(row, explain(row["reply"], host=row["host"], domain=row["domain"],
                          classifier=classifier).to_dict()) for row in rows()]


def test_corpus_is_well_formed() -> None:
    data = rows()
    assert len(rows(CORPUS)) >= 150
    receivers = {p.id for p in providers_mod.load().providers}
    for row in data:
        assert set(row) - {"note"} == FIELDS, row
        assert row["source"].startswith(("http://", "https://")), row
        assert row["class"] in rules_mod.CLASSES and row["action"] in rules_mod.ACTIONS, row
        assert row["provider"] in rules_mod.PROVIDERS, row
        assert row["receiver"] is None or row["receiver"] in receivers, row
    # broad: every contract provider, gateways and the other mailbox providers are there
    assert {r["provider"] for r in data} == set(rules_mod.PROVIDERS)
    assert len({r["receiver"] for r in data} - {None}) >= 12
    assert len({r["class"] for r in data}) >= 11


def test_scores(scored: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    n = len(scored)
    right: Counter[str] = Counter()
    misses = []
    for label, got in scored:
        for key in ("provider", "class", "action"):
            right[key] += got[key] == label[key]
        if got["class"] != label["class"] or got["action"] != label["action"]:
            misses.append((label["class"], got["class"], label["action"], got["action"],
                           got["rule"], label["reply"][:100]))
    scores = {key: right[key] / n for key in ("provider", "class", "action")}
    print(f"corpus: {n} replies, " + ", ".join(f"{k} {v:.1%}" for k, v in scores.items()))
    assert scores["class"] >= 0.95 and scores["action"] >= 0.95, misses
    assert scores["provider"] >= 0.95


def test_no_harmful_advice(scored: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    bad = [(h, got["rule"], label["reply"][:120]) for label, got in scored
           for h in harms(label, got)]
    assert bad == []


def test_receivers(scored: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    """Where the source names the receiver (a gateway, a smaller provider), so does explain."""
    named = [(label, got) for label, got in scored if label["receiver"]]
    right = sum(got["receiver"] == label["receiver"] for label, got in named)
    assert len(named) >= 50 and right / len(named) >= 0.9, [
        (label["receiver"], got["receiver"], label["reply"][:80])
        for label, got in named if got["receiver"] != label["receiver"]]


def test_a_reply_with_a_remote_code_is_never_local(
        scored: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    for _label, got in scored:
        if got["code"] is not None or got["enhanced"] is not None and got["remote"]:
            assert got["class"] != "local" and got["remote"], got["reply"]
