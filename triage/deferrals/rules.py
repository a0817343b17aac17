"""The ordered reply-rule table (triage/data/reply_rules.toml) and the class table.

Policy: rules are data, tried in file order, first match wins; a rule names the
conditions it needs and nothing else. The tables are loaded once per run (``load``),
never at import, and checked on load. A rule's ``text`` regex is compiled on first use
(a run evaluates only a few of them); ``load(validate=True)``, which the tests use,
compiles every one, so a bad pattern in the data file still fails loudly, as a
``triage.data.PatternError`` naming the file, the rule and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from triage.data import DataError, compile_patterns
from triage.data import load as load_data
from triage.deferrals.reply import Reply

RULES_FILE = "reply_rules.toml"
CLASSES_FILE = "deferral_classes.toml"

CLASSES = (
    "throttling", "connection-limit", "receiver-capacity", "ip-reputation", "blocklist",
    "auth", "policy-content", "recipient", "tls", "dns", "network", "local", "other",
)
ACTIONS = (
    "wait", "slow-down", "fix-sender", "delist", "stop-and-fix", "contact-recipient",
    "clean-list", "fix-infrastructure", "none",
)
PROVIDERS = ("microsoft-365", "outlook.com", "google", "yahoo", "apple", "other")
_KEYS = {
    "id", "code", "enhanced", "token", "text", "provider", "local", "class", "transient",
    "will_not_clear", "action", "advice", "sources",
}


class RuleError(DataError):
    """The rule table is malformed (a packaging bug, caught by the tests)."""


def _code_key(code: str) -> tuple[int, int, int]:
    a, b, c = code.split(".")
    return int(a), int(b), int(c)


@dataclass(frozen=True)
class Rule:
    """One row of reply_rules.toml: the conditions it names, and its verdict."""

    id: str
    cls: str
    action: str
    advice: str
    sources: tuple[str, ...]
    codes: frozenset[int] = frozenset()
    enhanced: tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...] = ()
    tokens: frozenset[str] = frozenset()
    pattern: str | None = None  # the ``text`` regex, compiled on first use
    providers: frozenset[str] = frozenset()
    local: bool | None = None
    transient: bool | None = None
    will_not_clear: bool = False

    def matches(self, reply: Reply, provider: str) -> bool:
        if self.local is not None and self.local == reply.remote:
            return False
        if self.codes and reply.code not in self.codes:
            return False
        if self.enhanced:
            if reply.enhanced is None:
                return False
            key = _code_key(reply.enhanced)
            if not any(lo <= key <= hi for lo, hi in self.enhanced):
                return False
        if self.tokens and not self.tokens.intersection(reply.tokens):
            return False
        if self.providers and provider not in self.providers:
            return False
        return self.text is None or self.text.search(reply.text) is not None

    @cached_property
    def text(self) -> re.Pattern[str] | None:
        if self.pattern is None:
            return None
        return compile_patterns((self.pattern,), file=RULES_FILE, entry=self.id, key="text")[0]

    def is_transient(self, reply: Reply) -> bool:
        if self.transient is not None:
            return self.transient
        return reply.code is None or 400 <= reply.code < 500


@dataclass(frozen=True)
class ClassInfo:
    """One deferral class of deferral_classes.toml (title, finding, fix)."""

    id: str
    finding: str | None
    title: str
    description: str
    fix: str
    sources: tuple[str, ...]


def _ranges(values: list[str]) -> tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...]:
    out = []
    for value in values:
        lo, _, hi = value.partition("-")
        out.append((_code_key(lo), _code_key(hi or lo)))
    return tuple(out)


def _rule(raw: dict[str, Any]) -> Rule:
    unknown = set(raw) - _KEYS
    if unknown or "id" not in raw:
        raise RuleError(f"rule {raw.get('id')!r}: unknown or missing keys {sorted(unknown)}")
    if raw.get("class") not in CLASSES or raw.get("action") not in ACTIONS:
        raise RuleError(f"rule {raw['id']!r}: bad class or action")
    bad = set(raw.get("provider", [])) - set(PROVIDERS)
    if bad or not raw.get("sources") or not raw.get("advice"):
        raise RuleError(f"rule {raw['id']!r}: bad providers {bad} or missing advice/sources")
    pattern = raw.get("text")
    if pattern is not None and not isinstance(pattern, str):
        raise RuleError(f"rule {raw['id']!r}: text is not a string")
    try:
        enhanced = _ranges(raw.get("enhanced", []))
    except ValueError as exc:
        raise RuleError(f"rule {raw['id']!r}: {exc}") from exc
    return Rule(
        id=raw["id"], cls=raw["class"], action=raw["action"], advice=raw["advice"],
        sources=tuple(raw["sources"]), codes=frozenset(raw.get("code", [])), enhanced=enhanced,
        tokens=frozenset(t.upper() for t in raw.get("token", [])), pattern=pattern,
        providers=frozenset(raw.get("provider", [])), local=raw.get("local"),
        transient=raw.get("transient"), will_not_clear=bool(raw.get("will_not_clear", False)),
    )


@dataclass(frozen=True)
class RuleTable:
    """The rules in file order and the classes by id."""

    rules: tuple[Rule, ...]
    classes: dict[str, ClassInfo]

    def rules_by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def match(self, reply: Reply, provider: str) -> Rule:
        for rule in self.rules:
            if rule.matches(reply, provider):
                return rule
        return self.rules[-1]


def load(validate: bool = False) -> RuleTable:
    rules = tuple(_rule(r) for r in load_data(RULES_FILE)["rule"])
    if validate:
        for rule in rules:
            rule.text  # noqa: B018 - compiles every pattern now: PatternError if one is bad
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RuleError("duplicate rule ids")
    classes = {}
    for raw in load_data(CLASSES_FILE)["class"]:
        info = ClassInfo(raw["id"], raw.get("finding"), raw["title"], raw["description"],
                         raw["fix"], tuple(raw["sources"]))
        classes[info.id] = info
    if set(classes) != set(CLASSES):
        raise RuleError(f"class table mismatch: {sorted(set(CLASSES) ^ set(classes))}")
    return RuleTable(rules, classes)
