"""Each piece of advice once: a class finding's fix is the top rule's advice, the class's
general fix only for the class's other replies, what never to do once, then the MTA
settings; ``check`` refers to a fix that is already one of its next steps."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from triage.deferrals import analyse, explain
from triage.deferrals import rules as rules_mod
from triage.deferrals.mtas import MTAS

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TABLE = rules_mod.load()
WITH_FINDING = [r for r in TABLE.rules if TABLE.classes[r.cls].finding]


def sentences(text: str) -> list[str]:
    return [s.strip().lower() for s in re.split(r"(?<=[.;:])\s+", text) if s.strip()]


@pytest.mark.parametrize("rule", WITH_FINDING, ids=[r.id for r in WITH_FINDING])
def test_one_rules_fix_says_each_thing_once(rule: rules_mod.Rule) -> None:
    info = TABLE.classes[rule.cls]
    fix = info.fix_after(rule.advice, MTAS)
    said = sentences(fix)
    assert len(said) == len(set(said)), fix
    assert info.fix not in fix  # the rule speaks for its own replies
    assert fix.lower().count("suppress") <= 1, fix
    if info.never:
        assert fix.count(info.never) == 1


def test_a_class_of_several_rules_adds_its_general_fix_for_the_others() -> None:
    info = TABLE.classes["throttling"]
    rule = next(r for r in WITH_FINDING if r.id == "ms.4.7.500-server-busy")
    fix = info.fix_after(rule.advice, ("postfix",), general=True)
    assert fix.startswith(rule.advice)
    assert fix.count(f"Other replies of the class: {info.fix}") == 1
    assert fix.count(info.never) == 1 and fix.endswith(info.mta["postfix"])
    assert info.fix_after(None, ()) == f"{info.fix} {info.never}"  # no advice: all of it


def test_the_findings_of_a_real_log_repeat_no_sentence() -> None:
    result = analyse([str(LOGS / "postfix" / "maillog")], NOW)
    fixes = [f.fix for f in result.findings if f.code.startswith("deferrals.") and f.fix]
    assert len(fixes) >= 5
    for fix in fixes:
        said = sentences(fix)
        assert len(said) == len(set(said)), fix
        assert fix.lower().count("suppress") <= 1, fix


def test_explain_gives_the_rules_advice_and_only_what_the_class_adds() -> None:
    busy = explain("451 4.7.500 Server busy. Please try again later. [S77714]").to_dict()
    info = TABLE.classes["throttling"]
    assert busy["fix"].startswith(info.never) and info.fix not in busy["fix"]
    assert "suppress" not in busy["advice"].lower()
    tls = explain("421 4.7.0 TLS required").to_dict()
    assert tls["class"] == "tls" and tls["fix"] is None  # the class adds nothing
