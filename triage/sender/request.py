"""The inputs of ``triage check``, validated before any DNS query leaves.

An invalid IP or domain, an unreadable ``--deferrals`` file or ``--message`` is an
``InputError`` (exit 2) here, so a run never spends its DNS time to fail on a typo.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from triage.checks import inputs
from triage.errors import InputError
from triage.sanitize import clean

if TYPE_CHECKING:
    from triage.checks.dkim.message import Message
    from triage.checks.snds.entry import Request as SndsRequest

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class SenderRequest:
    domain: str  # the header-From domain, A-labels
    ips: tuple[IP, ...]
    helo: str | None  # as given; None: each IP's PTR name when it has exactly one
    mail_from: str  # the envelope domain (default: domain)
    selectors: tuple[str, ...]
    deferrals: tuple[str, ...]  # paths ("-" is stdin)
    message: Message | None
    message_path: str | None
    snds: SndsRequest | None = None  # with --snds-key: Microsoft SNDS for the IPs
    dnsbl_zones: tuple[str, ...] = ()  # lists asked beside the default ones
    dnsbl_key: str | None = None  # a Spamhaus DQS key: a secret, never reported


def _ip(text: str) -> IP:
    from triage.checks.rdns.entry import address

    return address(text)


def _readable(path: str) -> str:
    if path == "-":
        return path
    from triage.deferrals import InputUnreadable
    from triage.deferrals.source import open_input

    try:
        open_input(path).close()
    except InputUnreadable as exc:
        raise InputError(clean(str(exc), 300)) from None
    return path


def _request(domain: str, ips: tuple[str, ...], helo: str | None = None,
            mail_from: str | None = None, selectors: tuple[str, ...] = (),
            deferrals: tuple[str, ...] = (), message: Path | None = None,
            dnsbl_zones: tuple[str, ...] = (), dnsbl_key: str | None = None,
            snds_key: str | None = None, snds_url: str | None = None) -> SenderRequest:
    if not ips:
        raise InputError("give at least one --ip (the sending address)")
    name = inputs.domain(domain)
    addresses = tuple(dict.fromkeys(_ip(ip) for ip in ips))
    envelope = inputs.mail_domain(mail_from) if mail_from else name
    chosen = tuple(dict.fromkeys(inputs.selector(s) for s in selectors))
    if deferrals.count("-") > 1:
        raise InputError("standard input (-) can be read only once")
    paths = tuple(_readable(p) for p in deferrals)
    parsed = None
    if message is not None:
        from triage.checks.dkim.entry import read_message

        parsed = read_message(message)
    from triage.checks.dnsbl.entry import request as dnsbl_request

    lists = dnsbl_request(str(addresses[0]), dnsbl_zones, dnsbl_key)  # InputError if bad
    snds = None
    if snds_key:
        from triage.checks.snds.entry import request as snds_request

        snds = snds_request(snds_key, snds_url, tuple(str(ip) for ip in addresses), helo)
    return SenderRequest(name, addresses, helo.strip() if helo else None, envelope, chosen, paths,
                         parsed, str(message) if message is not None else None,
                         snds, lists.zones, lists.key)


def request(domain: str, ips: tuple[str, ...], helo: str | None = None,
            mail_from: str | None = None, selectors: tuple[str, ...] = (),
            deferrals: tuple[str, ...] = (), message: Path | None = None,
            dnsbl_zones: tuple[str, ...] = (), dnsbl_key: str | None = None,
            snds_key: str | None = None, snds_url: str | None = None) -> SenderRequest:
    """Validate every input; an error line never carries a secret (an SNDS or DQS key
    typed into another option by mistake is shown as ``[key]``)."""
    try:
        return _request(domain, ips, helo, mail_from, selectors, deferrals, message,
                        dnsbl_zones, dnsbl_key, snds_key, snds_url)
    except InputError as exc:
        text = str(exc)
        for secret in (snds_key, dnsbl_key):
            if secret and secret.strip():
                text = text.replace(secret.strip(), "[key]")
        raise InputError(text) from None
