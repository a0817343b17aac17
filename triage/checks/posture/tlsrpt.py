"""SMTP TLS Reporting (RFC 8460 §3): ``v=TLSRPTv1; rua=mailto:...,https://...`` at
``_smtp._tls.DOMAIN``. Records not beginning with the version are discarded; anything
but exactly one means no reports are sent."""

from __future__ import annotations

from triage.checks.posture.result import TlsRpt
from triage.checks.posture.tags import Txt, parse
from triage.findings import Finding, Severity
from triage.sanitize import clean

REF = ("RFC 8460 §3",)


def judge(txt: Txt, has_mtasts: bool) -> tuple[TlsRpt, list[Finding]]:
    name = txt.name
    if txt.failed:
        return TlsRpt(None, None), [Finding(
            "tlsrpt.temperror", Severity.WARNING, "posture",
            f"The lookup of {name} failed ({txt.failed}).", "Retry the check.",
            {"name": name, "status": txt.failed}, REF)]
    if not txt.records:
        return TlsRpt(None, None), [Finding(
            "tlsrpt.missing", Severity.WARNING if has_mtasts else Severity.INFO, "posture",
            f"No TLS-RPT record at {name}: nobody reports TLS failures delivering to the domain"
            + (" (MTA-STS testing mode depends on these reports)." if has_mtasts else "."),
            f"Publish 'v=TLSRPTv1; rua=mailto:tlsrpt@DOMAIN' at {name}.", {"name": name}, REF)]
    if len(txt.records) > 1:
        return TlsRpt(txt.records[0], None), [Finding(
            "tlsrpt.multiple_records", Severity.ERROR, "posture",
            f"{len(txt.records)} TLS-RPT records at {name}: senders send no reports.",
            "Keep exactly one.", {"name": name, "records": list(txt.records)}, REF)]
    record = txt.records[0]
    tags = parse(record)
    rua = (tags or {}).get("rua")
    if tags is None or not rua:
        return TlsRpt(record, None), [Finding(
            "tlsrpt.syntax", Severity.ERROR, "posture",
            f"The TLS-RPT record at {name} does not parse or has no rua=.",
            "Publish 'v=TLSRPTv1; rua=mailto:tlsrpt@DOMAIN'.", {"record": record}, REF)]
    uris = tuple(clean(u.strip(), 300) for u in rua.split(",") if u.strip())
    bad = [u for u in uris if not (u.lower().startswith("mailto:") and "@" in u
                                   or u.lower().startswith("https://"))]
    found = []
    if bad or not uris:
        found.append(Finding(
            "tlsrpt.rua_invalid", Severity.ERROR, "posture",
            f"rua= of {name} holds destinations that are neither mailto: nor https:// "
            f"({', '.join(bad) or 'none'}).", "List mailto: addresses or https:// URLs, "
            "comma-separated.", {"rua": list(uris), "invalid": bad}, REF))
    return TlsRpt(record, uris), found
