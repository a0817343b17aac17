"""The SNDS findings: Microsoft's own view of the sending IPs.

Colours (reference §6.4): GREEN under 10 % of the IP's mail judged spam, YELLOW 10-90 %,
RED over 90 %. A page that could not be read is ``snds.error``: inconclusive, never
"green" and never "not blocked".
"""

from __future__ import annotations

from collections.abc import Iterable

from triage.checks.snds.result import BlockedRange, PageRead, SndsRow
from triage.findings import Finding, Severity

REF = "Microsoft SNDS FAQ: https://sendersupport.olc.protection.outlook.com/SNDS/faq.aspx"
FORM = "http://go.microsoft.com/fwlink/?LinkID=614866"


def _row(row: SndsRow) -> dict[str, object]:
    return row.to_dict()


def colour(rows: Iterable[SndsRow]) -> list[Finding]:
    out = []
    for row in rows:
        if row.filter_result == "RED":
            out.append(Finding(
                "snds.red", Severity.ERROR, "snds",
                f"SNDS rates {row.ip} RED for {row.activity_start or '?'} to "
                f"{row.activity_end or '?'}: Outlook.com judged over 90 % of its mail spam.",
                "Stop the cause before anything else: send only to recipients who opted in and "
                "engage, remove unknown and complaining addresses, check for a compromised "
                "account or form; lower the volume to Outlook.com until SNDS turns GREEN.",
                _row(row), (REF,)))
        elif row.filter_result == "YELLOW":
            out.append(Finding(
                "snds.yellow", Severity.WARNING, "snds",
                f"SNDS rates {row.ip} YELLOW for {row.activity_start or '?'} to "
                f"{row.activity_end or '?'}: Outlook.com judged 10-90 % of its mail spam.",
                "Tighten list hygiene and send to engaged recipients only; watch SNDS daily.",
                _row(row), (REF,)))
        if row.trap_hits > 0:
            out.append(Finding(
                "snds.traps", Severity.WARNING, "snds",
                f"SNDS counted {row.trap_hits} spam-trap hits for {row.ip} "
                f"({row.trap_start or '?'} to {row.trap_end or '?'}).",
                "Trap hits mean addresses nobody opted in with: find the list source that "
                "added them, stop mailing it, and drop long-inactive recipients.",
                _row(row), (REF,)))
    return out


def blocked(ranges: Iterable[BlockedRange], ips: tuple[str, ...]) -> list[Finding]:
    which = ", ".join(ips) if ips else "addresses of this key"
    return [Finding(
        "snds.blocked", Severity.ERROR, "snds",
        f"SNDS IP status lists {block.first_ip}-{block.last_ip} (covering {which}) as blocked: "
        f"{block.reason or 'no reason given'}.",
        "Fix the cause first (complaints, traps, a compromised account), then request "
        f"mitigation with the Outlook.com sender support form {FORM} naming the blocked IPs.",
        block.to_dict(), (REF,)) for block in ranges]


def helo_mismatch(rows: Iterable[SndsRow], helo: str | None) -> list[Finding]:
    if not helo:
        return []
    want = helo.lower().rstrip(".")
    return [Finding(
        "snds.helo_mismatch", Severity.WARNING, "snds",
        f"SNDS saw {row.ip} announce HELO {row.sample_helo}, not {helo}: another server or "
        "configuration sends from this IP.",
        "Make every MTA on the IP announce the same HELO name (one that resolves to the IP "
        "and matches its PTR), or find what else sends from it.",
        {"ip": row.ip, "sample_helo": row.sample_helo, "helo": helo}, (REF,))
        for row in rows if row.sample_helo and row.sample_helo.lower().rstrip(".") != want]


def errors(pages: Iterable[PageRead], source: str) -> list[Finding]:
    return [Finding(
        "snds.error", Severity.ERROR, "snds",
        f"SNDS {page.page} at {source} could not be read ({page.detail or page.error}): "
        "Microsoft's view of the IP is unknown, not clean.",
        "Check the key (SNDS, Automated Data Access: the key must be enabled for data and IP "
        "status), then retry; a sign-in page or HTTP 401/403 means the key is wrong or expired.",
        page.to_dict(), (REF,)) for page in pages if page.error is not None]


def no_data(ips: tuple[str, ...]) -> list[Finding]:
    if not ips:
        return []
    return [Finding(
        "snds.no_data", Severity.INFO, "snds",
        f"SNDS has no data row for {', '.join(ips)}: the key does not cover it, or it sent "
        "fewer than 100 messages to Outlook.com on the last day.",
        "Register the IP's range in SNDS if it is not, so Microsoft's view is available.",
        {"ips": list(ips)}, (REF,))]
