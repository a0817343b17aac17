"""The ordered reply-rule table (triage/data/reply_rules.toml) and the class table.

Policy: rules are data, tried in file order, first match wins; a rule names the
conditions it needs and nothing else, and matches the reply as the receiver sent it
(``Reply.body``). A rule's action may differ for a transient (4xx) and a permanent (5xx)
reply (``action_4xx``/``action_5xx``), so that no rule ever tells a sender to wait on a
5xx or to drop a recipient on a 4xx. The named public blocklists (``[[blocklist]]``) carry
their delisting pages; one rule matches any of them (``text = "@blocklists"``). Every rule
and list has at least one real example reply (reply_examples.toml, read only with
``load(examples=True)``: the tests replay them, the docs list them).

The tables are loaded once per run (``load``), never at import, and checked on load. A
rule's ``text`` regex is compiled on first use (a run evaluates only a few of them);
``load(validate=True)``, which the tests use, compiles every one, so a bad pattern in the
data file still fails loudly, as a ``triage.data.PatternError`` naming the file, the rule
and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from triage.data import DataError, compile_patterns
from triage.data import load as load_data
from triage.deferrals.mtas import MTAS
from triage.deferrals.reply import Reply

RULES_FILE = "reply_rules.toml"
EXAMPLES_FILE = "reply_examples.toml"  # every rule's proof and the source tags (tests, docs)
CLASSES_FILE = "deferral_classes.toml"
BLOCKLISTS = "@blocklists"  # a rule ``text`` that stands for every [[blocklist]] pattern

CLASSES = (
    "throttling", "connection-limit", "receiver-capacity", "ip-reputation", "blocklist",
    "auth", "policy-content", "recipient", "tls", "dns", "network", "local", "other",
)
ACTIONS = (
    "wait", "slow-down", "fix-sender", "delist", "stop-and-fix", "contact-recipient",
    "clean-list", "fix-infrastructure", "none",
)
PROVIDERS = ("microsoft-365", "outlook.com", "google", "yahoo", "apple", "other")
_ID = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
_KEEP = re.compile(r"(\\.|\(\?P)")  # escapes and ``(?P``: kept as written by lower_pattern
_KEYS = {
    "id", "code", "reply", "enhanced", "token", "text", "provider", "local", "class",
    "transient", "will_not_clear", "action", "action_4xx", "action_5xx", "advice", "sources",
}
_LIST_KEYS = {"id", "name", "text", "delist_url", "sources"}
_EXAMPLE_KEYS = {"reply", "source", "host", "domain", "documented"}


def lower_pattern(pattern: str) -> str:
    """``pattern`` with its letters lower-cased, escapes (``\\S``, ``\\B``) and ``(?P<`` kept.

    On lower-cased ASCII text it matches what the case-insensitive pattern matches on the
    text itself; case-insensitive matching is what makes sre slow on long alternations.
    """
    parts = _KEEP.split(pattern)
    return "".join(p if i % 2 else p.lower() for i, p in enumerate(parts))


class RuleError(DataError):
    """The rule table is malformed (a packaging bug, caught by the tests)."""


def _code_key(code: str) -> tuple[int, int, int]:
    a, b, c = code.split(".")
    return int(a), int(b), int(c)


@dataclass(frozen=True)
class Example:
    """A reply a rule or list must match, with where it was seen."""

    reply: str
    source: str
    host: str | None = None
    domain: str | None = None
    documented: bool = False  # the source's documented wording, not a captured reply


@dataclass(frozen=True)
class Rule:
    """One row of reply_rules.toml: the conditions it names, and its verdict."""

    id: str
    cls: str
    action: str
    advice: str
    sources: tuple[str, ...]
    codes: frozenset[int] = frozenset()
    reply_class: int | None = None  # 4 or 5: only 4xx or only 5xx replies; 0: no code at all
    enhanced: tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...] = ()
    tokens: frozenset[str] = frozenset()
    pattern: str | None = None  # the ``text`` regex, compiled on first use
    providers: frozenset[str] = frozenset()
    local: bool | None = None
    transient: bool | None = None
    will_not_clear: bool = False
    action_4xx: str | None = None
    action_5xx: str | None = None
    examples: tuple[Example, ...] = ()

    def matches(self, reply: Reply, provider: str, receiver: str | None = None) -> bool:
        if self.local is not None and self.local == reply.remote:
            return False
        if self.codes and reply.code not in self.codes:
            return False
        if self.reply_class is not None and (reply.klass or 0) != self.reply_class:
            return False
        if self.providers and provider not in self.providers and receiver not in self.providers:
            return False
        if self.enhanced:
            key = reply.enhanced_key
            if key is None or not any(lo <= key <= hi for lo, hi in self.enhanced):
                return False
        if self.tokens and not self.tokens.intersection(reply.tokens):
            return False
        if self.pattern is None:
            return True
        if reply.low is not None:  # ASCII: the lower-cased copy, without IGNORECASE (cheaper)
            return self.text_ascii.search(reply.low) is not None
        text = self.text
        return text is not None and text.search(reply.body or reply.text) is not None

    @cached_property
    def text(self) -> re.Pattern[str] | None:
        if self.pattern is None:
            return None
        return compile_patterns((self.pattern,), file=RULES_FILE, entry=self.id, key="text")[0]

    @cached_property
    def text_ascii(self) -> re.Pattern[str]:
        """The ``text`` pattern lower-cased, for lower-cased ASCII replies (same matches)."""
        assert self.pattern is not None
        return compile_patterns((lower_pattern(self.pattern),), file=RULES_FILE, entry=self.id,
                                key="text", flags=0)[0]

    def is_transient(self, reply: Reply) -> bool:
        if self.transient is not None:
            return self.transient
        if reply.klass is None:  # no code: the MTA's own outcome retries; a verdict may not
            return self.local is True
        return reply.klass == 4

    def action_for(self, reply: Reply) -> str:
        """The action for this reply: a rule may say one thing for 4xx and another for 5xx."""
        if reply.klass == 5 and self.action_5xx:
            return self.action_5xx
        if reply.klass == 4 and self.action_4xx:
            return self.action_4xx
        return self.action

    def can_match(self, klass: int) -> bool:
        """Whether a reply of class ``klass`` (4 or 5) can satisfy the code conditions."""
        if self.local:
            return False
        if self.reply_class is not None and self.reply_class != klass:
            return False
        if self.codes and not any(c // 100 == klass for c in self.codes):
            return False
        return not self.enhanced or any(lo[0] == klass or hi[0] == klass
                                        for lo, hi in self.enhanced)


@dataclass(frozen=True)
class Blocklist:
    """A public blocklist a reply can name, and where to ask for removal."""

    id: str
    name: str
    pattern: str
    delist_url: str
    sources: tuple[str, ...]
    examples: tuple[Example, ...]

    @cached_property
    def text(self) -> re.Pattern[str]:
        return compile_patterns((self.pattern,), file=RULES_FILE, entry=self.id, key="text")[0]


@dataclass(frozen=True)
class ClassInfo:
    """One deferral class of deferral_classes.toml (title, finding, fix)."""

    id: str
    finding: str | None
    title: str
    description: str
    fix: str  # the general action for any reply of the class
    never: str  # what never to do ("" when the class has nothing to warn of)
    sources: tuple[str, ...]
    mta: Mapping[str, str]  # MTA -> its settings for the fix (mtas.MTAS)

    def fix_for(self, mtas: Sequence[str]) -> str:
        """The whole fix: general action, what never to do, the settings of ``mtas``."""
        return self.fix_after(None, mtas)

    def fix_after(self, advice: str | None, mtas: Sequence[str], *,
                  general: bool = False) -> str:
        """A rule's ``advice`` and what the class adds to it (``after``)."""
        own = [advice] if advice else []
        return " ".join(own + self.after(advice, mtas, general=general))

    def after(self, advice: str | None, mtas: Sequence[str], *,
              general: bool = False) -> list[str]:
        """What the class adds after a rule's ``advice``: the rule speaks for its own
        replies, so the general action only where there is no advice or the class's
        replies came from several rules (``general``, then said to be for the others);
        what never to do and the MTA settings always, each once."""
        if not advice:
            parts = [self.fix]
        elif general:
            parts = [f"Other replies of the class: {self.fix}"]
        else:
            parts = []
        if self.never:
            parts.append(self.never)
        return parts + [self.mta[m] for m in mtas if m in self.mta]


def _ranges(values: list[str]) -> tuple[tuple[tuple[int, int, int], tuple[int, int, int]], ...]:
    out = []
    for value in values:
        lo, _, hi = value.partition("-")
        out.append((_code_key(lo), _code_key(hi or lo)))
    return tuple(out)


def _examples(owner: str, raw: Any) -> tuple[Example, ...]:
    if not isinstance(raw, list) or not raw:
        raise RuleError(f"{owner!r}: at least one example is required")
    out = []
    for item in raw:
        if not isinstance(item, dict) or set(item) - _EXAMPLE_KEYS or not item.get("reply") \
                or not item.get("source"):
            raise RuleError(f"{owner!r}: an example needs reply and source (and no other keys"
                            " than host, domain, documented)")
        out.append(Example(item["reply"], item["source"], item.get("host"), item.get("domain"),
                           bool(item.get("documented", False))))
    return tuple(out)


def _rule(raw: dict[str, Any], blocklist_text: str | None = None) -> Rule:
    unknown = set(raw) - _KEYS
    if unknown or "id" not in raw:
        raise RuleError(f"rule {raw.get('id')!r}: unknown or missing keys {sorted(unknown)}")
    actions = [raw.get(k) for k in ("action_4xx", "action_5xx") if k in raw]
    if raw.get("class") not in CLASSES or any(a not in ACTIONS for a in
                                               [raw.get("action"), *actions]):
        raise RuleError(f"rule {raw['id']!r}: bad class or action")
    bad = [p for p in raw.get("provider", []) if not _ID.match(str(p))]
    if bad or not raw.get("sources") or not raw.get("advice"):
        raise RuleError(f"rule {raw['id']!r}: bad providers {bad} or missing advice/sources")
    pattern = raw.get("text")
    if pattern is not None and not isinstance(pattern, str):
        raise RuleError(f"rule {raw['id']!r}: text is not a string")
    if pattern == BLOCKLISTS:
        pattern = blocklist_text
    reply = raw.get("reply")
    if reply not in (None, "4xx", "5xx", "none"):
        raise RuleError(f"rule {raw['id']!r}: reply must be 4xx, 5xx or none")
    try:
        enhanced = _ranges(raw.get("enhanced", []))
    except ValueError as exc:
        raise RuleError(f"rule {raw['id']!r}: {exc}") from exc
    return Rule(
        id=raw["id"], cls=raw["class"], action=raw["action"], advice=raw["advice"],
        sources=tuple(raw["sources"]), codes=frozenset(raw.get("code", [])),
        reply_class={"4xx": 4, "5xx": 5, "none": 0}.get(reply or ""), enhanced=enhanced,
        tokens=frozenset(t.upper() for t in raw.get("token", [])), pattern=pattern,
        providers=frozenset(raw.get("provider", [])), local=raw.get("local"),
        transient=raw.get("transient"), will_not_clear=bool(raw.get("will_not_clear", False)),
        action_4xx=raw.get("action_4xx"), action_5xx=raw.get("action_5xx"),
    )


def _blocklist(raw: dict[str, Any]) -> Blocklist:
    if set(raw) - _LIST_KEYS or not all(raw.get(k) for k in ("id", "name", "text",
                                                              "delist_url", "sources")):
        raise RuleError(f"blocklist {raw.get('id')!r}: unknown or missing keys")
    return Blocklist(raw["id"], raw["name"], raw["text"], raw["delist_url"],
                     tuple(raw["sources"]), ())


@dataclass(frozen=True)
class RuleTable:
    """The rules in file order, the named blocklists and the classes by id."""

    rules: tuple[Rule, ...]
    classes: dict[str, ClassInfo]
    blocklists: tuple[Blocklist, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()  # (tag, where it comes from), as in the file

    def rules_by_id(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def match(self, reply: Reply, provider: str, receiver: str | None = None) -> Rule:
        for rule in self.rules:
            if rule.matches(reply, provider, receiver):
                return rule
        return self.rules[-1]

    def blocklist_named(self, reply: Reply) -> Blocklist | None:
        """The first public blocklist the reply names (its delisting page goes with it)."""
        text = reply.body or reply.text
        return next((b for b in self.blocklists if b.text.search(text)), None)


def _with_examples(rules: tuple[Rule, ...], blocklists: tuple[Blocklist, ...]
                   ) -> tuple[tuple[Rule, ...], tuple[Blocklist, ...], tuple[tuple[str, str], ...]]:
    """Attach reply_examples.toml to the rules and lists; every one must have an example."""
    data = load_data(EXAMPLES_FILE)
    raw_rules, raw_lists = data.get("rule", {}), data.get("blocklist", {})
    stray = (set(raw_rules) - {r.id for r in rules}) | (set(raw_lists) - {b.id for b in blocklists})
    if stray or not isinstance(data.get("source"), dict):
        raise RuleError(f"{EXAMPLES_FILE}: examples of unknown ids {sorted(stray)} or no [source]")
    rules = tuple(replace(r, examples=_examples(r.id, raw_rules.get(r.id, {}).get("example")))
                  for r in rules)
    blocklists = tuple(replace(b, examples=_examples(b.id, raw_lists.get(b.id, {})
                                                     .get("example"))) for b in blocklists)
    return rules, blocklists, tuple((str(k), str(v)) for k, v in data["source"].items())


def load(validate: bool = False, examples: bool = False) -> RuleTable:
    """The tables; ``examples`` (tests, docs) also reads every rule's proof and the sources."""
    data = load_data(RULES_FILE)
    blocklists = tuple(_blocklist(b) for b in data.get("blocklist", []))
    union = "|".join(f"(?:{b.pattern})" for b in blocklists) or None
    rules = tuple(_rule(r, union) for r in data["rule"])
    if validate:
        for rule in rules:
            rule.text  # noqa: B018 - compiles every pattern now: PatternError if one is bad
        for blocklist in blocklists:
            blocklist.text  # noqa: B018
    ids = [r.id for r in rules] + [b.id for b in blocklists]
    if len(ids) != len(set(ids)):
        raise RuleError("duplicate rule or blocklist ids")
    classes = {}
    for raw in load_data(CLASSES_FILE)["class"]:
        mta = raw.get("mta", {})
        if not set(mta) <= set(MTAS):
            raise RuleError(f"class {raw['id']}: unknown MTA in {sorted(mta)}")
        info = ClassInfo(raw["id"], raw.get("finding"), raw["title"], raw["description"],
                         raw["fix"], raw.get("never", ""), tuple(raw["sources"]), mta)
        classes[info.id] = info
    if set(classes) != set(CLASSES):
        raise RuleError(f"class table mismatch: {sorted(set(CLASSES) ^ set(classes))}")
    sources: tuple[tuple[str, str], ...] = ()
    if examples:
        rules, blocklists, sources = _with_examples(rules, blocklists)
    return RuleTable(rules, classes, blocklists, sources)
