"""The real-DNS test world itself: every server answers, and every DNS outcome a
check must survive (answer, NXDOMAIN, NODATA, timeout, REFUSED, SERVFAIL, a large
answer over EDNS and over TCP) really happens through the resolver."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import pytest
from world import ServerMissing, World, WorldError, host_port, start_world
from world.launch import binaries
from world.layout import discover, zone_origin
from world.world import _with_dns_options

QUICK = 0.5  # seconds: the timeout for queries that are expected to time out


def _rcode(reply: dns.message.Message) -> str:
    return dns.rcode.to_text(reply.rcode())


def _values(reply: dns.message.Message, rdtype: str) -> list[str]:
    wanted = dns.rdatatype.from_text(rdtype)
    return [r.to_text() for rrset in reply.answer if rrset.rdtype == wanted for r in rrset]


# --- each server answers -------------------------------------------------------------


def test_authoritative_serves_the_root_and_fixture_zones(world: World) -> None:
    root = world.query(".", "SOA", server=world.authoritative)
    assert _rcode(root) == "NOERROR" and root.flags & dns.flags.AA
    zone = world.query("world.test", "TXT", server=world.authoritative, tcp=True)
    assert zone.flags & dns.flags.AA
    assert _values(zone, "TXT") == ['"v=spf1 ip4:192.0.2.0/24 -all"']
    assert "world.test" in world.zones and "99.99.10.in-addr.arpa" in world.zones


def test_rbldnsd_answers_listed_and_clean_addresses(world: World) -> None:
    listed = world.query("2.0.0.127.worldbl.test", "A", server=world.rbldnsd)
    assert _values(listed, "A") == ["127.0.0.2"]
    clean = world.query("3.0.0.127.worldbl.test", "A", server=world.rbldnsd)
    assert _rcode(clean) == "NXDOMAIN"
    assert {"worldbl.test", "worlddbl.test"} <= set(world.dnsbl_zones)


def test_resolver_follows_cnames_to_the_address(world: World) -> None:
    reply = world.query("chain.world.test", "A")
    assert _values(reply, "CNAME") == ["www.world.test.", "host.world.test."]
    assert _values(reply, "A") == ["192.0.2.1"]
    assert reply.flags & dns.flags.RA


@pytest.mark.parametrize(
    ("name", "rdtype", "expected"),
    [
        ("world.test", "MX", ["10 mx1.world.test.", "20 mx2.world.test."]),
        ("host.world.test", "AAAA", ["2001:db8:ffff::1"]),
        # 10.in-addr.arpa is one of unbound's built-in zones: the world must override it
        ("1.99.99.10.in-addr.arpa", "PTR", ["host.world.test."]),
    ],
)
def test_resolver_answers_fixture_records(
    world: World, name: str, rdtype: str, expected: list[str]
) -> None:
    assert sorted(_values(world.query(name, rdtype), rdtype)) == expected


def test_resolver_reaches_the_dnsbl_zones(world: World) -> None:
    assert _values(world.query("2.0.0.127.worldbl.test", "A"), "A") == ["127.0.0.2"]
    reason = _values(world.query("2.0.0.127.worldbl.test", "TXT"), "TXT")
    assert reason == ['"Listed for testing: 127.0.0.2 is on the world list"']
    assert _values(world.query("1.99.99.10.worldbl.test", "A"), "A") == ["127.0.0.4"]
    domain = world.query("listed.world.test.worlddbl.test", "A")
    assert _values(domain, "A") == ["127.0.1.2"]
    assert _rcode(world.query("4.3.2.1.worldbl.test", "A")) == "NXDOMAIN"


# --- negative answers are fast and authoritative ----------------------------------------


@pytest.mark.parametrize(
    "name", ["nothing.world.test", "x.test", "example.com", "no-such-tld-here", "gmail.com"]
)
def test_unknown_names_are_a_fast_nxdomain(world: World, name: str) -> None:
    started = time.monotonic()
    reply = world.query(name, "A", timeout=2.0)
    assert _rcode(reply) == "NXDOMAIN"
    assert time.monotonic() - started < 0.5


def test_missing_type_is_nodata_and_empty_non_terminal_exists(world: World) -> None:
    nodata = world.query("world.test", "AAAA")
    assert _rcode(nodata) == "NOERROR" and not nodata.answer
    # test. holds delegations to world.test and friends: NODATA, not NXDOMAIN (RFC 8020)
    parent = world.query("test", "A")
    assert _rcode(parent) == "NOERROR" and not parent.answer


# --- failures ---------------------------------------------------------------------------


def test_timeout_zone_times_out_every_time(world: World) -> None:
    names = [f"a.{world.timeout_zone}", f"b.{world.timeout_zone}", f"a.{world.timeout_zone}"]
    for name in names:
        started = time.monotonic()
        with pytest.raises(dns.exception.Timeout):
            world.query(name, "TXT", timeout=QUICK)
        assert time.monotonic() - started < QUICK + 1.0


@pytest.mark.parametrize("tcp", [False, True])
def test_blackhole_never_answers(world: World, tcp: bool) -> None:
    with pytest.raises(dns.exception.Timeout):
        world.query("world.test", "A", server=world.blackhole, tcp=tcp, timeout=QUICK)


def test_refused_zone_is_refused(world: World) -> None:
    assert world.refused_zone == "refused.test"
    assert _rcode(world.query(f"bl.{world.refused_zone}", "A")) == "REFUSED"
    assert _rcode(world.query(world.refused_zone, "TXT")) == "REFUSED"


def test_servfail_zone_is_servfail(world: World) -> None:
    assert world.servfail_zone == "servfail.test"
    started = time.monotonic()
    assert _rcode(world.query(f"x.{world.servfail_zone}", "TXT")) == "SERVFAIL"
    assert time.monotonic() - started < 1.0


# --- large answers ----------------------------------------------------------------------


def test_large_txt_arrives_whole_over_udp_with_edns(world: World) -> None:
    reply = world.query("big.world.test", "TXT")
    assert not reply.flags & dns.flags.TC
    assert len(reply.to_wire()) > 512
    (rrset,) = reply.answer
    (record,) = list(rrset)
    assert [s[:1] for s in record.strings] == [b"a", b"b", b"c", b"d"]
    assert all(len(s) == 200 for s in record.strings)


def test_huge_txt_is_truncated_over_udp_and_whole_over_tcp(world: World) -> None:
    assert world.query("huge.world.test", "TXT").flags & dns.flags.TC
    reply = world.query("huge.world.test", "TXT", tcp=True)
    (rrset,) = reply.answer
    assert len(rrset) == 16
    assert sum(len(s) for r in rrset for s in r.strings) == 16 * 250


# --- triage's own DNS layer and CLI through the world -----------------------------------


def test_triage_dns_stack_sees_every_outcome(world: World) -> None:
    from triage.dns.answer import Status
    from triage.dns.stack import DnsConfig, build

    async def ask() -> dict[str, Status]:
        stack = build(DnsConfig(nameservers=(host_port(world.resolver),), timeout=QUICK))
        names = {
            "ok": ("world.test", "TXT"),
            "nxdomain": ("nothing.world.test", "A"),
            "nodata": ("world.test", "AAAA"),
            "timeout": (f"x.{world.timeout_zone}", "TXT"),
            "refused": (f"x.{world.refused_zone}", "TXT"),
            "servfail": (f"x.{world.servfail_zone}", "TXT"),
            "huge": ("huge.world.test", "TXT"),
        }
        try:
            answers = await asyncio.gather(*(stack.resolver.query(*q) for q in names.values()))
        finally:
            await stack.close()
        huge = answers[-1]
        assert len(huge.texts()) == 16, huge
        return {key: a.status for key, a in zip(names, answers, strict=True)}

    statuses = asyncio.run(ask())
    assert statuses == {
        "ok": Status.OK,
        "nxdomain": Status.NXDOMAIN,
        "nodata": Status.NODATA,
        "timeout": Status.TIMEOUT,
        "refused": Status.REFUSED,
        "servfail": Status.SERVFAIL,
        "huge": Status.OK,
    }


def test_run_executes_the_cli(world: World) -> None:
    code, out, err = world.run(["--version"], nameservers=[])
    assert code == 0, err
    assert out.startswith("triage")


def test_run_passes_the_resolver_to_a_dns_command(world: World) -> None:
    result = world.run(["spf", "world.test", "--ip", "192.0.2.1", "--format", "json"])
    assert result.code == 0, result.stderr
    report = result.json()
    assert (report["domain"], report["result"]) == ("world.test", "pass")


def test_run_against_the_blackhole_is_a_bounded_exit_3(world: World) -> None:
    started = time.monotonic()
    code, _, err = world.run(
        ["spf", "world.test", "--ip", "192.0.2.1"], nameservers=[world.blackhole], dns_timeout=0.3
    )
    assert code == 3, err
    assert time.monotonic() - started < 10


def test_dns_options_go_after_the_command_name() -> None:
    got = _with_dns_options(["spf", "a.test", "--ip", "192.0.2.1"], ["127.0.0.1:5300"], 1.5)
    assert got == [
        "spf", "--nameserver", "127.0.0.1:5300", "--timeout", "1.5", "a.test", "--ip", "192.0.2.1"
    ]
    assert _with_dns_options(["--version"], ["127.0.0.1:5300"], None) == ["--version"]
    assert _with_dns_options(["explain", "x"], [], None) == ["explain", "x"]


# --- fixture conventions (no servers) ---------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


ZONE = "$TTL 60\n@ SOA ns hostmaster 1 60 60 60 60\n@ NS ns\nns A 127.0.0.1\n"


def test_zone_origin_comes_from_origin_line_else_file_name(tmp_path: Path) -> None:
    named = _write(tmp_path / "x.zone", "; c\n$ORIGIN Example.TEST.\n" + ZONE)
    assert zone_origin(named) == "example.test"
    assert zone_origin(_write(tmp_path / "b.example.zone", ZONE)) == "b.example"


def test_discover_reads_dnsbl_and_outcome_conventions(tmp_path: Path) -> None:
    _write(tmp_path / "zones" / "a.test.zone", ZONE)
    _write(tmp_path / "dnsbl" / "zen.example.ip4set", "127.0.0.2\n")
    _write(tmp_path / "dnsbl" / "multi.example" / "one.ip4trie", "127.0.0.2\n")
    _write(tmp_path / "dnsbl" / "multi.example" / "two.dnset", "x.test\n")
    _write(tmp_path / "dnsbl" / "README.md", "notes\n")
    _write(tmp_path / "outcomes" / "slow.example.timeout", "")
    _write(tmp_path / "outcomes" / "no.example.refused", "")
    layout = discover(tmp_path)
    assert [z.origin for z in layout.zones] == ["a.test"]
    assert {z.name: [k for k, _ in z.datasets] for z in layout.dnsbl} == {
        "multi.example": ["ip4trie", "dnset"],
        "zen.example": ["ip4set"],
    }
    assert layout.timeout_zones == ("timeout.test", "slow.example")
    assert layout.refused_zones == ("refused.test", "no.example")


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        ("zones/other.zone", "$ORIGIN a.test.\n" + ZONE, "defined twice"),
        ("dnsbl/a.test.ip4set", "127.0.0.2\n", "defined twice"),
        ("dnsbl/bl.example.txt", "127.0.0.2\n", "rbldnsd dataset type"),
    ],
)
def test_discover_rejects_ambiguous_fixtures(
    tmp_path: Path, path: str, text: str, message: str
) -> None:
    _write(tmp_path / "zones" / "a.test.zone", ZONE)
    _write(tmp_path / path, text)
    with pytest.raises(WorldError, match=message):
        discover(tmp_path)


# --- starting and stopping (own small worlds) -------------------------------------------


def test_missing_server_names_the_apt_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import world.launch

    real = world.launch._which
    monkeypatch.setattr(
        world.launch, "_which", lambda name: None if name == "rbldnsd" else real(name)
    )
    with pytest.raises(ServerMissing, match="apt-get install -y rbldnsd"):
        binaries()


@pytest.fixture
def servers_installed() -> None:
    try:
        binaries()
    except ServerMissing as exc:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(str(exc))


@pytest.mark.usefixtures("servers_installed")
def test_broken_zone_fails_loudly_with_nsd_checkzone_message(tmp_path: Path) -> None:
    _write(tmp_path / "zones" / "broken.test.zone", ZONE + "www IN A not-an-address\n")
    with pytest.raises(WorldError) as caught:
        start_world(tmp_path)
    assert "broken.test.zone" in str(caught.value)
    assert "not-an-address" in str(caught.value) or "error" in str(caught.value).lower()


@pytest.mark.usefixtures("servers_installed")
def test_bad_dnsbl_line_fails_loudly_naming_the_file(tmp_path: Path) -> None:
    _write(tmp_path / "dnsbl" / "bad.example.ip4set", "127.0.0.2\nnot-an-address\n")
    with pytest.raises(WorldError, match=r"bad\.example\.ip4set:2: invalid address"):
        start_world(tmp_path)


@pytest.mark.usefixtures("servers_installed")
def test_outcome_drop_ins_and_teardown_stops_every_server(tmp_path: Path) -> None:
    _write(tmp_path / "outcomes" / "slow.example.timeout", "")
    _write(tmp_path / "outcomes" / "no.example.refused", "")
    _write(tmp_path / "outcomes" / "broken.example.servfail", "")
    small = start_world(tmp_path)
    try:
        assert _rcode(small.query("x.no.example", "A")) == "REFUSED"
        assert _rcode(small.query("x.broken.example", "A")) == "SERVFAIL"
        with pytest.raises(dns.exception.Timeout):
            small.query("x.slow.example", "A", timeout=QUICK)
        running = small._running
        assert running is not None
        pids = [s.pid for s in running.servers.values()]
        assert all(pids)
    finally:
        small.close()
    for pid in pids:
        assert pid is not None
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not small.workdir.exists()
