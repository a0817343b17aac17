"""Classify one reply: parse it, attribute the receiver, pick the first matching rule.

Policy: a verdict depends on the reply code, enhanced code, tokens, receiver and text.
The receiver is attributed from the host the MTA logged, else the host a wrapper in the
text named (Exim's ``host H [ip]:``), else the reply's fingerprint, else the recipient
domain; the report's provider is that receiver's contract group.
Replies repeat with only numbers changed (IPs, session ids, counters), so decisions are
cached on the reply with its digits masked (codes and tokens are part of the key); both
caches are bounded and live in one ``Classifier`` per run — no module-level state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from triage.deferrals import providers as providers_mod
from triage.deferrals import rules as rules_mod
from triage.deferrals.providers import ProviderTable
from triage.deferrals.reply import Reply, parse
from triage.deferrals.rules import Rule, RuleTable

_DIGITS = re.compile(r"\d+")
_CACHE_LIMIT = 50_000


@dataclass(frozen=True)
class Verdict:
    """A reply, its provider and the first rule that matched it."""

    reply: Reply
    provider: str
    rule: Rule
    receiver: str | None = None  # the providers.toml entry (``comcast``), None if unknown

    @property
    def cls(self) -> str:
        return self.rule.cls

    @property
    def action(self) -> str:
        return self.rule.action_for(self.reply)

    @property
    def transient(self) -> bool:
        return self.rule.is_transient(self.reply)

    @property
    def will_not_clear(self) -> bool:
        return self.rule.will_not_clear


class Classifier:
    """Holds the loaded tables and the per-run caches."""

    def __init__(self, rules: RuleTable | None = None,
                 providers: ProviderTable | None = None) -> None:
        self.rules = rules or rules_mod.load()
        self.providers = providers or providers_mod.load()
        self._verdicts: dict[tuple[str, str | None, str | None, str | None], Verdict] = {}
        self._decisions: dict[tuple[object, ...], tuple[str, Rule, str | None]] = {}
        self._hosts: dict[str | None, str | None] = {}

    def host_provider(self, host: str | None) -> str | None:
        try:
            return self._hosts[host]
        except KeyError:
            if len(self._hosts) > _CACHE_LIMIT:
                self._hosts.clear()
            found = self._hosts[host] = self.providers.by_host(host)
            return found

    def provider_of(self, host: str | None, domain: str | None) -> str:
        """Provider (contract group) for an outcome without reply text (a delivery)."""
        return self.providers.group(self.host_provider(host) or self.providers.by_domain(domain))

    def classify(self, text: str, host: str | None = None, domain: str | None = None,
                 dsn: str | None = None) -> Verdict:
        key = (text, host, domain, dsn)
        verdict = self._verdicts.get(key)
        if verdict is None:
            if len(self._verdicts) > _CACHE_LIMIT:
                self._verdicts.clear()
            verdict = self._verdicts[key] = self._classify(text, host, domain, dsn)
        return verdict

    def _classify(self, text: str, host: str | None, domain: str | None,
                  dsn: str | None) -> Verdict:
        reply = parse(text, dsn)
        by_host = self.host_provider(host) or self.host_provider(reply.relay)
        masked = _DIGITS.sub("#", text)
        key = (reply.code, reply.enhanced, reply.tokens, by_host, domain, masked)
        decision = self._decisions.get(key)
        if decision is None:
            by_domain = self.providers.by_domain(domain)
            receiver = by_host or self.providers.by_text(reply.body) or by_domain
            if receiver == "microsoft-365" and not by_host and by_domain == "outlook.com":
                receiver = by_domain  # EOP tails and tokens do not tell tenant from consumer
            provider = self.providers.group(receiver)
            if len(self._decisions) > _CACHE_LIMIT:
                self._decisions.clear()
            decision = self._decisions[key] = (
                provider, self.rules.match(reply, provider, receiver), receiver)
        return Verdict(reply=reply, provider=decision[0], rule=decision[1], receiver=decision[2])
