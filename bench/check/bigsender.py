"""The big-sender world: one company's DNS as large senders publish it, as a table.

``news.bigsender.bench.test`` sends the newsletters from its own MTA
(``mta1.news.bigsender.bench.test``, 203.0.113.25); the company also sends through a
Microsoft-365-like tenant, a Google-like workspace and a SendGrid-like ESP. Modelled on
published records of big senders (the ranges of the provider trees are the real
providers' published ranges at the time of writing; the names are ``-like`` stand-ins):

- SPF of the sending name: includes of an Outlook-like tree (``spf.protection`` ->
  ``spfd.protection``), a Google-like tree (``_spf`` -> three ``_netblocks``) and the
  company's own ``_spf`` -> ``_spf1`` -> ``_spf2`` chain (records chained because one TXT
  holds only so many ranges). 9 DNS-querying terms, under the limit of 10. The IP is
  in the deepest record, so check_host() passes at the end of the longest chain.
- DKIM: ``selector1``/``selector2`` are CNAMEs to the Microsoft-style
  ``selector1-<domain-with-dashes>._domainkey.<tenant>.onmicrosoft-like.bench.test``;
  ``s1``/``s2`` to the ESP's per-customer host. 2048-bit RSA keys, made at build time.
  The organizational domain publishes its own Microsoft-style selectors too.
- DMARC only at the organizational domain (``p=reject``), none at the sending
  subdomain; ``rua``/``ruf`` go to an external vendor that authorizes the domain with
  ``bigsender.bench.test._report._dmarc.<vendor host>``.
- The IP's PTR is the MTA's name, whose A answers back (FCrDNS); it is also the HELO.
- DNSBLs: every IPv4 list of ``triage/data/dnsbls.toml`` that needs no key, plus
  real list zones triage does not catalogue, 20 in all; each lists its RFC 5782 test
  entry 127.0.0.2 and not 127.0.0.1, and nothing else (the IP is clean everywhere).
- MX, NS, SOA and TLS-RPT as a big sender has them; no MTA-STS and no BIMI record
  (a policy or logo fetch would leave loopback).

``.test`` is not in the Public Suffix List, so a PSL reader takes ``bench.test`` as
the registrable domain; only RFC 9989's DNS tree walk finds ``bigsender.bench.test``.
"""

from __future__ import annotations

import base64
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "triage" / "data" / "dnsbls.toml"

BASE = "bench.test"
ORG = f"bigsender.{BASE}"
DOMAIN = f"news.{ORG}"  # the sending (header From and envelope) domain
IP = "203.0.113.25"
HELO = f"mta1.{DOMAIN}"
SELECTORS = ("selector1", "selector2", "s1", "s2")
TENANT = f"bigsender.onmicrosoft-like.{BASE}"
ESP_HOST = f"u4821907.wl137.sendgrid-like.{BASE}"
OUTLOOK = f"spf.protection.outlook-like.{BASE}"
GOOGLE = f"_spf.google-like.{BASE}"
REPORTS = f"dmarc-vendor-like.{BASE}"
# Real DNSBL zones triage does not catalogue, asked with --dnsbl (generic reading).
EXTRA_ZONES = (
    "ips.backscatterer.org",
    "bl.blocklist.de",
    "rbl.interserver.net",
    "truncate.gbudb.net",
    "dnsbl.spfbl.net",
    "bl.nordspam.com",
    "spam.dnsbl.anonmails.de",
)

Table = dict[tuple[str, str], list[str]]


@dataclass(frozen=True)
class Dnsbl:
    zone: str
    default: bool  # asked by triage without --dnsbl
    test_code: str  # what 127.0.0.2 answers


@dataclass(frozen=True)
class World:
    table: Table
    apexes: tuple[str, ...]  # zone apexes, for SOA records in negative answers
    dnsbls: tuple[Dnsbl, ...]

    @property
    def extra_zones(self) -> tuple[str, ...]:
        """The lists triage asks only when given ``--dnsbl``."""
        return tuple(d.zone for d in self.dnsbls if not d.default)


def txt(text: str) -> str:
    """A TXT rdata in master-file form: character-strings of at most 255 octets."""
    return " ".join(f'"{text[i:i + 255]}"' for i in range(0, len(text), 255))


def spf(terms: Iterable[str], all_: str = "-all") -> list[str]:
    return [txt(" ".join(["v=spf1", *terms, all_]))]


def dnsbls(catalog: Path = CATALOG) -> tuple[Dnsbl, ...]:
    """Every keyless IPv4 list of the catalogue, then the extra zones."""
    with catalog.open("rb") as handle:
        data = tomllib.load(handle)
    out = []
    for entry in data["list"]:
        if "ip4" not in entry["targets"] or entry.get("key"):
            continue
        listed = [c["value"] for c in entry.get("code", []) if c["class"] == "listed"]
        code = "127.0.0.2" if "127.0.0.2" in listed or not listed else listed[0]
        out.append(Dnsbl(entry["zone"], bool(entry.get("default")), code.split("-")[0]))
    out += [Dnsbl(zone, False, "127.0.0.2") for zone in EXTRA_ZONES]
    return tuple(out)


def dkim_key() -> str:
    """A fresh 2048-bit RSA public key, as the p= of a DKIM record (SPKI, base64)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


def _spf_records(t: Table) -> None:
    t[(DOMAIN, "TXT")] = spf([f"include:{OUTLOOK}", f"include:{GOOGLE}",
                              f"include:_spf.{ORG}"])
    t[(OUTLOOK, "TXT")] = spf([
        "ip4:40.92.0.0/15", "ip4:40.107.0.0/16", "ip4:52.100.0.0/15", "ip4:52.102.0.0/16",
        "ip4:52.103.0.0/16", "ip4:104.47.0.0/17", "ip6:2a01:111:f400::/48",
        "ip6:2a01:111:f403::/49", "ip6:2a01:111:f403:8000::/51",
        "ip6:2a01:111:f403:c000::/51", "ip6:2a01:111:f403:f000::/52",
        f"include:spfd.protection.outlook-like.{BASE}"])
    t[(f"spfd.protection.outlook-like.{BASE}", "TXT")] = spf([
        "ip4:51.4.72.0/24", "ip4:51.5.72.0/24", "ip4:51.5.80.0/27", "ip4:20.47.149.138/32",
        "ip4:51.4.80.0/27", "ip6:2a01:4180:4051:0800::/64", "ip6:2a01:4180:4050:0800::/64",
        "ip6:2a01:4180:4051:0400::/64", "ip6:2a01:4180:4050:0400::/64"])
    t[(GOOGLE, "TXT")] = spf([f"include:_netblocks{n}.google-like.{BASE}"
                              for n in ("", "2", "3")], "~all")
    t[(f"_netblocks.google-like.{BASE}", "TXT")] = spf([
        "ip4:35.190.247.0/24", "ip4:64.233.160.0/19", "ip4:66.102.0.0/20", "ip4:66.249.80.0/20",
        "ip4:72.14.192.0/18", "ip4:74.125.0.0/16", "ip4:108.177.8.0/21", "ip4:173.194.0.0/16",
        "ip4:209.85.128.0/17", "ip4:216.58.192.0/19", "ip4:216.239.32.0/19"], "~all")
    t[(f"_netblocks2.google-like.{BASE}", "TXT")] = spf([
        "ip6:2001:4860:4000::/36", "ip6:2404:6800:4000::/36", "ip6:2607:f8b0:4000::/36",
        "ip6:2800:3f0:4000::/36", "ip6:2a00:1450:4000::/36", "ip6:2c0f:fb50:4000::/36"], "~all")
    t[(f"_netblocks3.google-like.{BASE}", "TXT")] = spf([
        "ip4:172.217.0.0/19", "ip4:172.217.32.0/20", "ip4:172.217.128.0/19",
        "ip4:172.217.160.0/20", "ip4:172.217.192.0/19", "ip4:172.253.56.0/21",
        "ip4:172.253.112.0/20", "ip4:108.177.96.0/19", "ip4:35.191.0.0/16",
        "ip4:130.211.0.0/22"], "~all")
    t[(f"_spf.{ORG}", "TXT")] = spf(["ip4:198.51.100.0/26", f"include:_spf1.{ORG}"], "~all")
    t[(f"_spf1.{ORG}", "TXT")] = spf(["ip4:198.51.100.64/26", "ip4:198.51.100.128/26",
                                      "ip6:2001:db8:5e0::/48", f"include:_spf2.{ORG}"], "~all")
    t[(f"_spf2.{ORG}", "TXT")] = spf(["ip4:203.0.113.0/26", "ip6:2001:db8:5e1::/48"], "~all")
    t[(ORG, "TXT")] = spf([f"include:{OUTLOOK}", f"include:_spf.{ORG}"]) + [
        txt("MS=ms48213377"), txt("google-site-verification=bench-bigsender-0000000000000")]
    t[(HELO, "TXT")] = spf(["a"])  # the HELO identity's own record


def _dkim_records(t: Table, keys: Iterable[str]) -> None:
    key = iter(keys)
    for owner in (DOMAIN, ORG):
        dashed = owner.replace(".", "-")
        for sel in ("selector1", "selector2"):
            target = f"{sel}-{dashed}._domainkey.{TENANT}"
            t[(f"{sel}._domainkey.{owner}", "CNAME")] = [f"{target}."]
            t[(target, "TXT")] = [txt(f"v=DKIM1; k=rsa; p={next(key)};")]
    for sel in ("s1", "s2"):
        target = f"{sel}.domainkey.{ESP_HOST}"
        t[(f"{sel}._domainkey.{DOMAIN}", "CNAME")] = [f"{target}."]
        t[(target, "TXT")] = [txt(f"k=rsa; t=s; p={next(key)}")]


def _dmarc_records(t: Table) -> None:
    t[(f"_dmarc.{ORG}", "TXT")] = [txt(
        f"v=DMARC1; p=reject; sp=reject; adkim=r; aspf=r; fo=1; "
        f"rua=mailto:dmarc-rua@{ORG},mailto:7f3a9c@rua.{REPORTS}; "
        f"ruf=mailto:7f3a9c@ruf.{REPORTS}")]
    for host in (f"rua.{REPORTS}", f"ruf.{REPORTS}"):
        t[(f"{ORG}._report._dmarc.{host}", "TXT")] = [txt("v=DMARC1")]
        t[(host, "MX")] = [f"10 mx.{REPORTS}."]
    t[(f"mx.{REPORTS}", "A")] = ["192.0.2.80"]
    for owner in (ORG, DOMAIN):
        t[(f"_smtp._tls.{owner}", "TXT")] = [txt(f"v=TLSRPTv1; rua=mailto:tlsrpt@{ORG}")]


def _hosts(t: Table) -> None:
    octets = IP.split(".")
    t[(".".join(reversed(octets)) + ".in-addr.arpa", "PTR")] = [f"{HELO}."]
    t[(HELO, "A")] = [IP]
    mx = f"bigsender-bench-test.mail.protection.outlook-like.{BASE}"
    t[(ORG, "MX")] = [f"0 {mx}."]
    t[(mx, "A")] = ["52.101.68.10", "52.101.68.11"]
    t[(DOMAIN, "MX")] = [f"10 bounce.{DOMAIN}."]
    t[(f"bounce.{DOMAIN}", "A")] = ["203.0.113.30"]
    t[("30.113.0.203.in-addr.arpa", "PTR")] = [f"bounce.{DOMAIN}."]
    t[(ORG, "A")] = ["198.51.100.10"]


def _zones(t: Table, apexes: Iterable[str]) -> None:
    for apex in apexes:
        ns = [f"ns1.{apex}.", f"ns2.{apex}."] if apex else ["a.root-servers.net."]
        t[(apex, "NS")] = ns
        t[(apex, "SOA")] = [soa(apex)]


def soa(apex: str) -> str:
    if not apex:
        return "a.root-servers.net. nstld.verisign-grs.com. 2026120200 1800 900 604800 86400"
    return f"ns1.{apex}. hostmaster.{apex}. 2026120201 3600 600 1209600 300"


def _dnsbl_records(t: Table, lists: Iterable[Dnsbl]) -> None:
    for dnsbl in lists:
        t[(f"2.0.0.127.{dnsbl.zone}", "A")] = [dnsbl.test_code]
        t[(f"2.0.0.127.{dnsbl.zone}", "TXT")] = [txt("RFC 5782 test entry")]


def build(keys: Iterable[str] | None = None) -> World:
    """The whole world; ``keys``: six DKIM p= values (default: fresh 2048-bit RSA keys)."""
    lists = dnsbls()
    apexes = ("", BASE, ORG, "in-addr.arpa", *(d.zone for d in lists))
    t: Table = {}
    _spf_records(t)
    _dkim_records(t, keys if keys is not None else (dkim_key() for _ in range(6)))
    _dmarc_records(t)
    _hosts(t)
    _zones(t, apexes)
    _dnsbl_records(t, lists)
    return World(t, apexes, lists)
