"""ESP event JSON: Amazon SES, SendGrid, Mailgun, Postmark (arrays, objects or lines).

Policy: each recipient-level event becomes one outcome: SES ``Delivery`` /
``DeliveryDelay`` / ``Bounce`` (SNS envelopes are unwrapped), SendGrid ``delivered`` /
``deferred`` / ``bounce``, Mailgun ``delivered`` / ``failed`` (``temporary`` deferred,
``permanent`` bounced), Postmark ``Delivery`` / ``Bounce`` (``Transient`` and
``DnsError`` deferred, as the ESP itself treats them). Engagement events are ignored;
anything else that is not an event object is unparsed, and so is an event whose time
stamp is given but cannot be read (out of range, not a time): a record is counted
with its time or not at all.
"""

from __future__ import annotations

import json
import re
from typing import Any

from triage.deferrals.aggregate import BOUNCED, DEFERRED
from triage.deferrals.parsers.jsonrec import JsonParser, dig

NAME = "esp"
# detection imports this module only if parsers._may_score passes: keep the two in step
_SIGNATURE = re.compile(
    rb'"(?:eventType|notificationType|RecordType|sg_event_id|delivery-status|event-data)"'
    rb'|"event"\s*:\s*"(?:deferred|delivered|bounce|dropped|failed|processed)"')
_ENGAGEMENT = {"open", "opened", "click", "clicked", "processed", "spamreport", "unsubscribe",
               "group_unsubscribe", "group_resubscribe", "accepted", "stored", "complained",
               "unsubscribed", "Open", "Click", "SpamComplaint", "SubscriptionChange", "Send",
               "Rendering Failure", "Reject", "Complaint", "Subscription"}
_POSTMARK_DEFERRED = {"Transient", "DnsError"}


def detect(head: bytes) -> int:
    return len(_SIGNATURE.findall(head)) * 3


class _BadStamp(Exception):
    """The event's time stamp is there but is no readable time."""


class Parser(JsonParser):

    def _stamp(self, ts: Any) -> float | None:
        if ts is None:
            return None
        seconds = (self.clock.epoch(ts) if isinstance(ts, int | float)
                   and not isinstance(ts, bool) else
                   self.clock.iso(ts) if isinstance(ts, str) else None)
        if seconds is None:
            raise _BadStamp
        return seconds

    def _out(self, kind: str, ts: Any, address: Any, msgid: Any, text: str = "",
             host: Any = None, status: Any = None) -> None:
        seconds = self._stamp(ts)
        addr = address if isinstance(address, str) else ""
        domain = addr.rpartition("@")[2].lower().strip(">") or None
        h = host.lower().rstrip(".") if isinstance(host, str) and host else None
        key = hash((str(msgid), addr))
        if kind == "delivered":
            self.agg.delivered(self.stats, seconds, h, domain, key)
            return
        slot = DEFERRED if kind == "deferred" else BOUNCED
        reply = re.sub(r"^smtp;\s*", "", text or "", flags=re.I) or (str(status or "?"))
        self.agg.failed(self.stats, slot, seconds, reply, h, domain, key,
                        status if isinstance(status, str) else None)

    def _record(self, r: dict[str, Any]) -> None:
        try:
            self._event(r)
        except _BadStamp:
            self.agg.unparsed(self.stats, json.dumps(r)[:500].encode())

    def _event(self, r: dict[str, Any]) -> None:
        if r.get("Type") == "Notification" and isinstance(r.get("Message"), str):
            try:
                inner = json.loads(r["Message"])
            except ValueError:
                inner = None
            if isinstance(inner, dict):
                return self._event(inner)
        if isinstance(r.get("event-data"), dict):
            return self._mailgun(r["event-data"])
        kind = r.get("eventType") or r.get("notificationType")
        if isinstance(kind, str):
            return self._ses(kind, r)
        if "RecordType" in r:
            return self._postmark(r)
        event = r.get("event")
        if isinstance(event, str) and "delivery-status" in r:
            return self._mailgun(r)
        if isinstance(event, str):
            return self._sendgrid(event, r)
        self.agg.unparsed(self.stats, json.dumps(r)[:500].encode())
        return None

    def _ses(self, kind: str, r: dict[str, Any]) -> None:
        msgid = dig(r, "mail", "messageId")
        if kind == "Delivery":
            d = r.get("delivery") or {}
            for rcpt in d.get("recipients") or []:
                self._out("delivered", d.get("timestamp"), rcpt, msgid,
                          host=d.get("remoteMtaIp"))
        elif kind == "DeliveryDelay":
            d = r.get("deliveryDelay") or {}
            for rcpt in d.get("delayedRecipients") or []:
                self._out("deferred", d.get("timestamp"), rcpt.get("emailAddress"), msgid,
                          rcpt.get("diagnosticCode") or str(d.get("delayType") or ""),
                          d.get("reportingMTA"), rcpt.get("status"))
        elif kind == "Bounce":
            b = r.get("bounce") or {}
            for rcpt in b.get("bouncedRecipients") or []:
                self._out("bounced", b.get("timestamp"), rcpt.get("emailAddress"), msgid,
                          rcpt.get("diagnosticCode") or f"SES {b.get('bounceSubType')}",
                          b.get("reportingMTA"), rcpt.get("status"))
        elif kind not in _ENGAGEMENT:
            self.agg.unparsed(self.stats, json.dumps(r)[:500].encode())

    def _sendgrid(self, event: str, r: dict[str, Any]) -> None:
        msgid = r.get("sg_message_id") or r.get("smtp-id")
        text = str(r.get("response") or r.get("reason") or "")
        if event == "delivered":
            self._out("delivered", r.get("timestamp"), r.get("email"), msgid)
        elif event in ("deferred", "bounce", "blocked"):
            kind = "deferred" if event == "deferred" else "bounced"
            self._out(kind, r.get("timestamp"), r.get("email"), msgid, text,
                      status=r.get("status"))
        elif event == "dropped":
            self.agg.note("dropped")
        elif event not in _ENGAGEMENT:
            self.agg.unparsed(self.stats, json.dumps(r)[:500].encode())

    def _mailgun(self, r: dict[str, Any]) -> None:
        event = r.get("event")
        raw = r.get("delivery-status")
        ds: dict[str, Any] = raw if isinstance(raw, dict) else {}
        msgid = dig(r, "message", "headers", "message-id")
        code = ds.get("code")
        text = " ".join(str(x) for x in (code, ds.get("enhanced-code"),
                                          ds.get("message") or ds.get("description")) if x)
        if event == "delivered":
            self._out("delivered", r.get("timestamp"), r.get("recipient"), msgid,
                      host=ds.get("mx-host"))
        elif event == "failed":
            kind = "deferred" if r.get("severity") == "temporary" else "bounced"
            self._out(kind, r.get("timestamp"), r.get("recipient"), msgid, text,
                      ds.get("mx-host"))
        elif event not in _ENGAGEMENT:
            self.agg.unparsed(self.stats, json.dumps(r)[:500].encode())

    def _postmark(self, r: dict[str, Any]) -> None:
        kind = r.get("RecordType")
        if kind == "Delivery":
            self._out("delivered", r.get("DeliveredAt"), r.get("Recipient"), r.get("MessageID"))
        elif kind == "Bounce":
            outcome = "deferred" if r.get("Type") in _POSTMARK_DEFERRED else "bounced"
            self._out(outcome, r.get("BouncedAt"), r.get("Email"), r.get("MessageID"),
                      str(r.get("Details") or r.get("Description") or r.get("Type") or ""))
        elif kind not in _ENGAGEMENT:
            self.agg.unparsed(self.stats, json.dumps(r)[:500].encode())
