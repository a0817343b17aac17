"""Text and Markdown sections of ``triage explain``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report import markup
from triage.report.layout import DEFAULT_WIDTH, wrap
from triage.sanitize import clean


def text(body: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> list[str]:
    code = " ".join(str(x) for x in (body["code"], body["enhanced"]) if x) or "no reply code"
    receiver = body.get("receiver_name")
    lines = [
        *wrap(clean(body["reply"], 1000), width, "Reply:     "),
        f"Code:      {code}" + (f"  token {body['token']}" if body["token"] else ""),
        *wrap(f"{body['provider']} ({body['provider_name']})"
              + (f"; receiver {receiver}" if receiver and receiver != body["provider_name"]
                 else ""), width, "Provider:  "),
        f"Class:     {body['class']} - {body['class_title']}",
        f"Transient: {'yes' if body['transient'] else 'no'}"
        + ("  (4xx that retrying will NOT clear)" if body["will_not_clear"] else ""),
        f"Action:    {body['action']}   rule {body['rule']}",
    ]
    ms = body.get("microsoft")
    if ms:
        lines.append(f"Microsoft: host {ms['host']}, forest {ms['forest']}, region {ms['region']}"
                     + (f", time {ms['time']}" if ms["time"] else ""))
    listed = body.get("blocklist")
    if listed:
        lines.append(f"Blocklist: {listed['name']}  delist at {listed['delist_url']}")
    if body.get("sending_ip"):
        lines.append(f"Sending IP named in the reply: {body['sending_ip']}")
    lines += ["", *wrap(body["advice"], width, "Advice: ")]
    if body.get("fix"):  # what the class adds to the rule's advice, if anything
        lines += ["", *wrap(body["fix"], width, "Fix: ")]
    lines += ["", *wrap(", ".join(body["sources"]), width, "Sources: ")]
    return lines


def markdown(body: Mapping[str, Any]) -> list[str]:
    return ["## Reply", "", "```", clean(body["reply"], 1000), "```", ""] + [
        f"- **{k}**: {markup.prose(v)}" for k, v in (
            ("provider", body["provider"]), ("class", body["class"]), ("rule", body["rule"]),
            ("transient", body["transient"]), ("will not clear", body["will_not_clear"]),
            ("action", body["action"]), ("advice", body["advice"]), ("fix", body["fix"]))
        if v is not None]
