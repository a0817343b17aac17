"""bench/check: the big-sender world builds as documented and its server answers on loopback
the way the benchmark relies on (whole CNAME chains, NODATA for empty non-terminals,
NXDOMAIN with the enclosing zone's SOA for everything else)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "bench" / "check"))
import bigsender  # noqa: E402
import bound  # noqa: E402
from recursive import RecursiveServer  # noqa: E402

FAKE_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + "A" * 300


@pytest.fixture(scope="module")
def world() -> bigsender.World:
    return bigsender.build(keys=[FAKE_KEY] * 6)


@pytest.fixture(scope="module")
def server(world: bigsender.World) -> Iterator[RecursiveServer]:
    running = RecursiveServer(world.table, 0.0, world.apexes).start()
    yield running
    running.stop()


def ask(server: RecursiveServer, name: str, rdtype: str) -> Any:
    query = dns.message.make_query(name, rdtype)
    return dns.query.udp(query, "127.0.0.1", port=server.port, timeout=2)


def test_a_dkim_selector_comes_back_with_its_cname_chain(server: RecursiveServer) -> None:
    response = ask(server, f"selector1._domainkey.{bigsender.DOMAIN}", "TXT")
    types = [rrset.rdtype for rrset in response.answer]
    assert types == [dns.rdatatype.CNAME, dns.rdatatype.TXT]
    assert str(response.answer[1].name).endswith("onmicrosoft-like.bench.test.")


def test_an_unlisted_ip_is_nxdomain_with_the_zone_soa(server: RecursiveServer) -> None:
    response = ask(server, "25.113.0.203.zen.spamhaus.org", "A")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert [str(r.name) for r in response.authority] == ["zen.spamhaus.org."]


def test_an_empty_non_terminal_is_nodata(server: RecursiveServer) -> None:
    response = ask(server, f"_domainkey.{bigsender.DOMAIN}", "TXT")
    assert response.rcode() == dns.rcode.NOERROR and not response.answer


def test_a_name_under_no_zone_gets_the_root_soa(server: RecursiveServer) -> None:
    response = ask(server, "_dmarc.test", "TXT")
    assert response.rcode() == dns.rcode.NXDOMAIN
    assert [str(r.name) for r in response.authority] == ["."]


def test_every_list_answers_its_rfc5782_test_entries(world: bigsender.World,
                                                     server: RecursiveServer) -> None:
    assert len(world.dnsbls) == 20
    for dnsbl in world.dnsbls:
        listed = ask(server, f"2.0.0.127.{dnsbl.zone}", "A")
        assert [r.to_text() for r in listed.answer[0]] == [dnsbl.test_code]
        assert ask(server, f"1.0.0.127.{dnsbl.zone}", "A").rcode() == dns.rcode.NXDOMAIN


def test_the_spf_tree_is_under_the_lookup_limit(world: bigsender.World) -> None:
    assert bound.spf_lookups(world, bigsender.DOMAIN) == 9


def test_the_critical_path_is_the_spf_chain(world: bigsender.World) -> None:
    zones = [d.zone for d in world.dnsbls]
    chains = bound.chains(world, bigsender.DOMAIN, bigsender.IP, bigsender.HELO,
                          bigsender.SELECTORS, zones)
    lengths = {c.check: len(c.steps) for c in chains}
    assert lengths == {"spf": 4, "dkim": 1, "dmarc": 2, "rdns": 1, "dnsbl": 1}
    assert bound.critical(chains).steps[-1].keys == ((f"_spf2.{bigsender.ORG}", "TXT"),)


def test_dkim_keys_are_2048_bit_rsa() -> None:
    import base64

    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    key = load_der_public_key(base64.b64decode(bigsender.dkim_key()))
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048
