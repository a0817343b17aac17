"""One IDNA 2008 / UTS 46 conversion, the same for every command's library entry point."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import pytest
from scripted import ScriptedResolver

from triage.checks.dkim import check_dkim
from triage.checks.dmarc import check_dmarc
from triage.checks.dnsbl import check_dnsbl
from triage.checks.rdns import check_rdns
from triage.checks.spf import check_spf, identify
from triage.dns.names import normalise, to_wire_name
from triage.domains.names import canonical, to_ascii

ACE = "xn--bcher-kva.de"
ZONE = f"""$ORIGIN {ACE}.
$TTL 300
@        SOA ns.example. host.example. 1 3600 600 86400 300
@        NS  ns.example.
@        A   192.0.2.1
@        TXT "v=spf1 ip4:192.0.2.1 -all"
mail     A   192.0.2.1
_dmarc   TXT "v=DMARC1; p=reject"
s1._domainkey TXT "v=DKIM1; k=rsa; p="
"""
DNSBL_ZONE = """$ORIGIN dbl.example.
$TTL 300
@        SOA ns.example. host.example. 1 3600 600 86400 300
@        NS  ns.example.
"""


@pytest.fixture
def resolver(tmp_path: Path) -> ScriptedResolver:
    (tmp_path / f"{ACE}.zone").write_text(ZONE)
    (tmp_path / "dbl.example.zone").write_text(DNSBL_ZONE)
    return ScriptedResolver([tmp_path / f"{ACE}.zone", tmp_path / "dbl.example.zone"])


@pytest.mark.parametrize("typed", [
    "bücher.de", "BÜCHER.DE", "Bücher.de.", " bücher.de ", "bücher\uff0ede", "bücher\u3002de",
    "\uff42\u00fc\uff43\uff48\uff45\uff52.de", "XN--BCHER-KVA.DE", ACE,
])
def test_spellings_of_one_name_are_one_name(typed: str) -> None:
    assert to_ascii(typed) == ACE


def test_uts46_is_non_transitional_and_ascii_labels_stay_dns_labels() -> None:
    assert to_ascii("faß.de") == "xn--fa-hia.de"  # IDNA 2003 would give fass.de
    assert to_ascii("_dmarc.Example.COM") == "_dmarc.example.com"
    assert to_ascii("_spf.bücher.de") == f"_spf.{ACE}"
    assert to_ascii("localhost") == "localhost"  # a command that needs a dot says so


@pytest.mark.parametrize("bad", [
    "", " ", ".", "a..b.de", ".a.de", "bad domain.de", "bob@bücher.de", "192.0.2.1",
    "2001:db8::1", "[192.0.2.1]", "1.2.3", "a" * 64 + ".de", ".".join(["a" * 63] * 4) + ".de",
    "xn--zz.de", "exa!mple.com", "http://example.com", "ab\u200dc.de", "bu\u0308cher\u00a0.de",
])
def test_what_cannot_be_a_domain_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        to_ascii(bad)
    message = str(caught.value)
    assert message and "\n" not in message and len(message) < 80
    assert bad.strip() not in message or not bad.strip()


def test_canonical_converts_what_it_can_and_keeps_the_rest() -> None:
    assert canonical("Mail.Bücher.DE.") == f"mail.{ACE}"
    assert canonical("JUMPIN' JUPITER") == "jumpin' jupiter"
    assert canonical("ab\u200dc.de") == "ab\u200dc.de"
    assert canonical(".") == "."


def test_the_dns_layer_uses_the_same_conversion() -> None:
    assert normalise("Bücher.de.") == ACE
    assert str(to_wire_name("bücher.de")) == f"{ACE}."
    assert to_wire_name("ab\u200dc.de") is None  # not left to dnspython's own codec


def test_spf_converts_domain_sender_and_helo(resolver: ScriptedResolver) -> None:
    who = identify("Bücher.de", None, None)
    assert (who.domain, who.sender) == (ACE, f"postmaster@{ACE}")
    who = identify(None, "bob@bücher.de", "mail.bücher.de")
    assert (who.domain, who.sender_domain, who.helo) == (ACE, ACE, f"mail.{ACE}")
    assert identify(None, "", "BÜCHER.de").domain == ACE
    result = asyncio.run(check_spf(resolver, who, ipaddress.ip_address("192.0.2.1"), 0))
    assert result.to_dict()["result"] == "pass"
    assert (ACE, "TXT") in resolver.asked


def test_spf_keeps_what_cannot_be_converted_for_check_host_to_judge() -> None:
    who = identify(None, "bob@ab\u200dc.de", None)
    assert who.domain == "ab\u200dc.de"  # RFC 7208: a result (none), not a usage error


def test_dkim(resolver: ScriptedResolver) -> None:
    result = asyncio.run(check_dkim(resolver, "bücher.de", ["s1"]))
    assert result.domain == ACE
    assert (f"s1._domainkey.{ACE}", "TXT") in resolver.asked


def test_dmarc(resolver: ScriptedResolver) -> None:
    result = asyncio.run(check_dmarc(resolver, "Bücher.DE", mail_from="bob@bücher.de"))
    body = result.to_dict()
    assert body["domain"] == ACE and body["policy"] == "reject"
    assert body["alignment"]["spf"] == "aligned"
    with pytest.raises(ValueError):
        asyncio.run(check_dmarc(resolver, "bad domain"))


def test_dnsbl(resolver: ScriptedResolver) -> None:
    result = asyncio.run(check_dnsbl(resolver, "bücher.de", ["dbl.example"], defaults=False))
    assert result.target == ACE
    assert (f"{ACE}.dbl.example", "A") in resolver.asked


def test_rdns_helo(resolver: ScriptedResolver) -> None:
    result = asyncio.run(check_rdns(resolver, "192.0.2.1", "mail.bücher.de"))
    assert result.helo is not None and result.helo.resolves is True
    assert (f"mail.{ACE}", "A") in resolver.asked
