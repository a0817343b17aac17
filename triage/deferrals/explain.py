"""``explain(reply)``: what one SMTP reply means and what to do, offline.

The same tables and classifier as ``analyse``: a reply explained here is classified
exactly as it would be inside a log. The reply may be pasted in any form it arrives in
(a DSN field, an MTA's log line, a client library's exception, quoted or HTML text;
``triage.deferrals.unwrap``); the body says which receiver answered (a gateway such as
Mimecast answers for the recipient's organisation) and, when the reply names a public
blocklist, that list and its delisting page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage.deferrals.classify import Classifier
from triage.deferrals.mtas import MTAS
from triage.deferrals.reply import strip_postfix
from triage.findings import Finding
from triage.sanitize import clean


@dataclass(frozen=True)
class ExplainResult:
    """The ``explain`` body (contract fields) and its findings (none)."""

    body: dict[str, Any]
    findings: tuple[Finding, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return dict(self.body)


def explain(reply: str, host: str | None = None, domain: str | None = None,
            classifier: Classifier | None = None) -> ExplainResult:
    classifier = classifier or Classifier()
    text, said_host, stage = strip_postfix(reply.strip())
    host = (host or said_host or "").lower() or None
    v = classifier.classify(text, host, domain.lower() if domain else None)
    info = classifier.rules.classes[v.cls]
    r = v.reply
    receiver = classifier.providers.get(v.receiver)
    listed = classifier.rules.blocklist_named(r) if v.cls == "blocklist" else None
    advice = v.rule.advice
    if receiver is not None and receiver.kind == "gateway" and v.action == "contact-recipient":
        advice = (f"{advice} ({receiver.name} filters mail for the recipient's organisation:"
                  " its block is that organisation's decision.)")
    return ExplainResult({
        "reply": clean(text, 4000), "code": r.code, "enhanced": r.enhanced, "token": r.token,
        "tokens": list(r.tokens), "stage": stage, "remote": r.remote,
        "provider": v.provider, "provider_name": classifier.providers.name(v.provider),
        "receiver": v.receiver,
        "receiver_name": receiver.name if receiver is not None else None,
        "class": v.cls, "class_title": info.title, "rule": v.rule.id,
        "transient": v.transient, "will_not_clear": v.will_not_clear,
        "action": v.action, "advice": advice,
        "fix": " ".join(info.after(advice, MTAS)) or None,  # no MTA is known: all four
        "finding": info.finding, "sources": list(v.rule.sources),
        "blocklist": {"id": listed.id, "name": listed.name, "delist_url": listed.delist_url}
        if listed is not None else None,
        "microsoft": {"host": r.ms_host, "forest": r.forest, "region": r.region,
                      "time": r.ms_time} if r.forest else None,
        "sending_ip": r.sending_ip,
    })
