"""One conversion from a domain name as typed to the name DNS is asked about.

IDNA 2008 with the UTS 46 mapping (non-transitional, as browsers and mail
clients do): ``BÜCHER．de`` and ``bücher.de`` are both ``xn--bcher-kva.de``, and
``faß.de`` keeps its ß (``xn--fa-hia.de``). ASCII labels are taken as DNS
labels, underscores included (``_spf``, ``_dmarc``); only non-ASCII labels and
``xn--`` labels go through IDNA. Every command and the DNS layer use this module,
so one spelling of a name is one name everywhere.
"""

from __future__ import annotations

import ipaddress
import re

import idna

MAX_NAME = 253  # octets, without the trailing dot
MAX_LABEL = 63
_ASCII_LABEL = re.compile(r"^[a-z0-9_-]+$")
_NOT_A_NAME = re.compile(r"[\s@:/\\\[\]<>]")


def to_ascii(text: str) -> str:
    """The A-label form of ``text``; ValueError with a short reason when it cannot be a domain.

    The reason never repeats the input (callers quote the input, cleaned, themselves).
    A single label is a name (``localhost``, an odd HELO): whether a command needs a
    dot is the command's rule, not the name's.
    """
    name = text.strip()
    if _NOT_A_NAME.search(name):
        raise ValueError("not a domain name (space, '@', ':', '/' or bracket)")
    if not name.isascii():
        try:
            name = idna.uts46_remap(name, std3_rules=False, transitional=False)
        except idna.IDNAError:
            raise ValueError("a character that cannot be in a domain name") from None
    name = name.lower()
    if name.endswith("."):
        name = name[:-1]
    if not name:
        raise ValueError("empty name")
    _refuse_address(name)
    name = ".".join(_label(label) for label in name.split("."))
    if len(name) > MAX_NAME:
        raise ValueError(f"longer than {MAX_NAME} octets")
    return name


def canonical(text: str) -> str:
    """``to_ascii`` when the text can be a name, else stripped, lower-cased, one dot off.

    For values that arrive from the wire or from SMTP (a HELO, a sender's domain,
    a DKIM ``d=``): RFC 7208 gives such inputs a result, so they are kept as they
    are for the check to judge, never turned into a usage error.
    """
    name = text.strip()
    if not name.isascii():
        try:
            return to_ascii(name)
        except ValueError:
            pass
    name = name.lower()
    return name[:-1] if name.endswith(".") and name != "." else name


def _label(label: str) -> str:
    if not label:
        raise ValueError("empty label (two dots in a row or a leading dot)")
    if label.isascii():
        if not _ASCII_LABEL.match(label):
            raise ValueError("a character that cannot be in a domain name")
        if label.startswith("xn--"):
            try:
                idna.ulabel(label)
            except (idna.IDNAError, UnicodeError):
                raise ValueError("an invalid A-label (xn--)") from None
    else:
        try:
            label = idna.alabel(label).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            raise ValueError("a label that is not valid IDNA 2008") from None
    if len(label) > MAX_LABEL:
        raise ValueError(f"a label longer than {MAX_LABEL} octets")
    return label


def _refuse_address(name: str) -> None:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise ValueError("an IP address, not a domain name")
    if name.rsplit(".", 1)[-1].isdigit():
        raise ValueError("an all-numeric top-level label (an IP address?)")
