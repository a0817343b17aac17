"""KumoMTA JSON log records (one object per line).

Policy: ``Delivery`` delivered, ``TransientFailure`` deferred, ``Bounce`` bounced (all
remote outcomes); ``Delayed`` explains a wait in the scheduled queue without a new
attempt (a relog); ``Expiration`` is the local expiry of an earlier deferral; inbound
and administrative records (``Reception``, ``Rejection``, ``AdminBounce``, ``OOB``,
``Feedback``, ``*Rebind``, ``Xfer*``) are not delivery attempts.
"""

from __future__ import annotations

import json
import re
from typing import Any

from triage.deferrals.aggregate import BOUNCED, DEFERRED
from triage.deferrals.parsers.jsonrec import JsonParser, dig

NAME = "kumo"
# detection imports this module only if parsers._may_score passes: keep the two in step
_SIGNATURE = re.compile(
    rb'"type"\s*:\s*"(?:Delivery|TransientFailure|Bounce|Reception|Expiration|Delayed)"')
_IGNORED = {"Reception", "Rejection", "AdminBounce", "OOB", "Feedback", "AdminRebind",
            "DeferredInjectionRebind", "XferOut", "XferIn"}


def detect(head: bytes) -> int:
    return len(_SIGNATURE.findall(head)) * 3


class Parser(JsonParser):

    def _record(self, r: dict[str, Any]) -> None:
        kind = r.get("type")
        if kind in _IGNORED:
            return
        seconds = self.clock.epoch(r.get("timestamp"))
        if seconds is None and isinstance(r.get("event_time"), str):
            seconds = self.clock.iso(r["event_time"])
        raw = r.get("response")
        response: dict[str, Any] = raw if isinstance(raw, dict) else {}
        text = _reply(response)
        if kind == "Delayed":
            self.agg.relog(self.stats, seconds, text or "Delayed")
            return
        if kind not in ("Delivery", "TransientFailure", "Bounce", "Expiration"):
            self.agg.unparsed(self.stats, json.dumps(r, default=str)[:500].encode())
            return
        host = dig(r, "peer_address", "name")
        host = host.lower().rstrip(".") if isinstance(host, str) and host else None
        source = dig(r, "source_address", "address")
        ip = source.rsplit(":", 1)[0].strip("[]") if isinstance(source, str) else None
        recipients = r.get("recipient")
        for rcpt in recipients if isinstance(recipients, list) else [recipients]:
            address = rcpt if isinstance(rcpt, str) else ""
            domain = address.rpartition("@")[2].lower() or None
            key = hash((str(r.get("id")), address))
            if kind == "Delivery":
                self.agg.delivered(self.stats, seconds, host, domain, key, ip)
            elif kind == "Expiration":
                self.agg.note("expired")
                self.agg.expire(key)
            else:
                slot = DEFERRED if kind == "TransientFailure" else BOUNCED
                self.agg.failed(self.stats, slot, seconds, text or kind, host, domain, key,
                                None, ip)


def _reply(response: dict[str, Any]) -> str:
    code = response.get("code")
    enhanced = response.get("enhanced_code")
    content = str(response.get("content") or "").replace("\r\n", "\n")
    parts = [str(code)] if isinstance(code, int) else []
    if isinstance(enhanced, dict):
        e = ".".join(str(enhanced.get(k, "")) for k in ("class", "subject", "detail"))
        if not content.lstrip().startswith(e):
            parts.append(e)
    if content:
        parts.append(content)
    return " ".join(parts)
