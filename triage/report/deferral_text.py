"""The deferral analysis as text, fitted to the terminal: the summary ``check`` prints
(inputs, window, totals, providers, retries, forests, replies) and the samples that
``triage deferrals`` adds to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triage.report import deferral_phrases as words
from triage.report.layout import table, value, wrap

_CODES_SHOWN = 12
_SAMPLES_SHOWN = 15


def providers_lines(by_provider: Mapping[str, Mapping[str, Any]], width: int) -> list[str]:
    """Per provider: volume, rate and band, and the longest deferral streak."""
    rows = [[value(name, 40), value(p.get("attempts")), value(p.get("deferred")),
             value(p.get("bounced")), value(words.pct(p.get("deferral_rate"))),
             value(p.get("band")), value(words.streak(p))] for name, p in by_provider.items()]
    return table(["provider", "attempts", "deferred", "bounced", "rate", "band", "streak"],
                 rows, width, flex=(0, 5, 6), right=(1, 2, 3, 4))


def retries_lines(body: Mapping[str, Any], width: int) -> list[str]:
    """What became of deferred recipients: overall, then per provider when known."""
    lines = wrap(words.retries(body.get("retries")), width, "Retries: ")
    rows = [[value(name, 40), *(value(r.get(k)) for k in
             ("deferred_recipients", "later_delivered", "later_bounced", "still_pending"))]
            for name, p in (body.get("by_provider") or {}).items()
            if (r := p.get("retries")) and r.get("deferred_recipients")]
    if rows:
        lines += ["", *table(["provider", "deferred", "later delivered", "later bounced",
                              "pending"], rows, width, flex=(0,), right=(1, 2, 3, 4))]
    return lines


def _code_rows(codes: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    return [[value(c.get("count")), words.reply_code(c), value(c.get("token"), 40),
             value(c.get("class"), 40), value(c.get("provider"), 40)] for c in codes]


def deferral_lines(body: Mapping[str, Any] | None, width: int, *,
                   codes_table: bool = True, thresholds: object = None) -> list[str]:
    if body is None:
        return ["Deferrals: not checked (no --deferrals file)."]
    lines = ["Deferrals:"]
    lines += wrap("; ".join(words.inputs(body)) or "-", width, "  Inputs: ")
    lines += wrap(words.window(body.get("window")), width, "  Window: ")
    lines += wrap(words.totals(body.get("totals") or {}), width, "  Totals: ")
    judged = words.bands(thresholds)
    if judged:  # the run set its own bands: a reader must not assume the playbook's
        lines += wrap(judged, width, "  Bands:  ", "          ")
    if body.get("by_provider"):
        lines += ["", *providers_lines(body["by_provider"], width)]
    lines += ["", *retries_lines(body, width)]
    forests = (body.get("scope") or {}).get("forests") or []
    if forests:
        named = ", ".join(f"{value(f.get('name'), 80)} ({value(f.get('region'), 20)}) "
                          f"{(f.get('deferred') or 0) + (f.get('bounced') or 0)}"
                          for f in forests[:8])
        lines += ["", *wrap(named, width, "Microsoft forests (deferred+bounced): ", "  ")]
    codes = list(body.get("codes") or []) if codes_table else []
    if codes:
        lines += ["", *table(["count", "reply", "token", "class", "provider"],
                             _code_rows(codes[:_CODES_SHOWN]), width, flex=(3, 4), right=(0,))]
        if len(codes) > _CODES_SHOWN:
            lines += wrap(f"… and {len(codes) - _CODES_SHOWN} more replies (all of them, with "
                          "samples, in --format markdown or json)", width)
    return lines


def samples_lines(body: Mapping[str, Any], width: int) -> list[str]:
    """What ``triage deferrals`` shows beyond the summary: the classes, a relog, each
    frequent reply with its rule and sample, and lines that did not parse."""
    lines: list[str] = []
    if body.get("by_class"):
        classes = ", ".join(f"{value(k, 40)} {value(v)}" for k, v in body["by_class"].items())
        lines += ["", *wrap(classes, width, "By class: ", "  ")]
    if body.get("relog_samples"):
        lines += ["", *wrap(value(body["relog_samples"][0], 300), width,
                            "Relogs (deferred again without a new attempt), e.g.: ", "  ")]
    every = list(body.get("codes") or [])
    codes = every[:_SAMPLES_SHOWN]
    if codes:
        lines += ["", "Replies, most frequent first (count, reply, token, provider, class, rule):"]
        for c in codes:
            head = " ".join(x for x in (words.reply_code(c), value(c.get("token"), 40),
                                        value(c.get("provider"), 40), value(c.get("class"), 40),
                                        f"[{value(c.get('rule'), 80)}]") if x and x != "-")
            lines += wrap(head, width, f"  {value(c.get('count')):>6}  ", " " * 10)
            lines += wrap(value(c.get("sample"), 300), width, " " * 10)
        if len(every) > _SAMPLES_SHOWN:
            lines += wrap(f"… and {len(every) - _SAMPLES_SHOWN} more replies (all of them in "
                          "--format markdown or json)", width)
    unparsed = words.unparsed(body)
    if unparsed:
        lines += ["", "Unparsed lines (sanitized), e.g.:"]
        for sample in unparsed:
            lines += wrap(sample, width, "  ", "    ")
    return lines
