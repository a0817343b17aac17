"""BIMI (draft-brand-indicators-for-message-identification): ``v=BIMI1; l=<https SVG>;
a=<https PEM>`` at ``default._bimi.DOMAIN``. Mailbox providers show the logo only for
mail that passes DMARC under a policy of quarantine or reject (pct=100); ``a=`` (a
mark certificate) is required by Gmail and Apple. The logo itself is not fetched."""

from __future__ import annotations

from triage.checks.posture.result import Bimi
from triage.checks.posture.tags import Txt, parse
from triage.findings import Finding, Severity

REF = ("draft-brand-indicators-for-message-identification §4",)


def _https(url: str, suffix: str) -> bool:
    return url.lower().startswith("https://") and url.lower().split("?", 1)[0].endswith(suffix)


def judge(txt: Txt, dmarc_policy: str | None, pct: str | None, dmarc_failed: bool = False
          ) -> tuple[Bimi, list[Finding]]:
    name = txt.name
    if txt.failed:
        return Bimi(None, None, None, dmarc_policy), [Finding(
            "bimi.temperror", Severity.WARNING, "posture",
            f"The lookup of {name} failed ({txt.failed}).", "Retry the check.",
            {"name": name, "status": txt.failed}, REF)]
    if not txt.records:
        return Bimi(None, None, None, dmarc_policy), [Finding(
            "bimi.missing", Severity.INFO, "posture", f"No BIMI record at {name}.",
            None, {"name": name}, REF)]
    if len(txt.records) > 1:
        return Bimi(txt.records[0], None, None, dmarc_policy), [Finding(
            "bimi.multiple_records", Severity.ERROR, "posture",
            f"{len(txt.records)} BIMI records at {name}: none is used.", "Keep exactly one.",
            {"records": list(txt.records)}, REF)]
    record = txt.records[0]
    tags = parse(record)
    if tags is None or "l" not in tags:
        return Bimi(record, None, None, dmarc_policy), [Finding(
            "bimi.syntax", Severity.ERROR, "posture",
            f"The BIMI record at {name} does not parse or has no l= tag.",
            "Publish 'v=BIMI1; l=https://DOMAIN/logo.svg; a=https://DOMAIN/vmc.pem'.",
            {"record": record}, REF)]
    logo, authority = tags.get("l") or None, tags.get("a") or None
    result = Bimi(record, logo, authority, dmarc_policy)
    found: list[Finding] = []
    if logo is not None and not _https(logo, ".svg"):
        found.append(Finding("bimi.logo_invalid", Severity.ERROR, "posture",
                             f"The BIMI logo {logo} is not an https:// URL of an SVG file.",
                             "Point l= at an SVG Tiny PS logo served over HTTPS.",
                             {"logo": logo}, REF))
    if authority is not None and not _https(authority, ".pem"):
        found.append(Finding("bimi.authority_invalid", Severity.ERROR, "posture",
                             f"The BIMI authority {authority} is not an https:// URL of a PEM "
                             "file.", "Point a= at the mark certificate (PEM) over HTTPS.",
                             {"authority": authority}, REF))
    if logo is not None and authority is None:
        found.append(Finding("bimi.no_authority", Severity.INFO, "posture",
                             "The BIMI record has no a= mark certificate: Gmail and Apple Mail "
                             "do not show the logo without one.", "Obtain a VMC or CMC and "
                             "publish its URL in a=.", {"record": record}, REF))
    enforced = dmarc_policy in ("quarantine", "reject") and pct in (None, "100")
    if logo is not None and not enforced and not dmarc_failed:
        found.append(Finding("bimi.dmarc_not_enforced", Severity.ERROR, "posture",
                             f"DMARC is at p={dmarc_policy or 'none (no record)'}"
                             + (f" with pct={pct}" if pct not in (None, "100") else "")
                             + ": BIMI logos are shown only under quarantine or reject at "
                             "pct=100.", "Move DMARC to p=quarantine or p=reject (pct=100) "
                             "once reports show all legitimate mail aligned.",
                             {"dmarc_policy": dmarc_policy, "pct": pct}, REF))
    return result, found
