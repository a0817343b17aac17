"""The live backend's shared UDP socket: every query gets its own answer and nothing else.

A scripted server on 127.0.0.1 answers out of order, sends strays and spoofs
before the real answer, or stays silent for one name, while many queries share
the client's one socket.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Awaitable, Callable

import dns.flags
import dns.message
import dns.rcode
import dns.rrset
import pytest

from triage.dns.answer import Answer, Status
from triage.dns.stack import DnsConfig, build

Reply = Callable[["Script", dns.message.Message, tuple[str, int]], Awaitable[None]]


class Script(asyncio.DatagramProtocol):
    """A UDP server whose ``reply`` coroutine decides what each query gets."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.transport: asyncio.DatagramTransport | None = None
        self.sources: set[tuple[str, int]] = set()
        self.ids: list[int] = []
        self.tasks: list[asyncio.Task[None]] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        query = dns.message.from_wire(data)
        self.sources.add(addr)
        self.ids.append(query.id)
        self.tasks.append(asyncio.ensure_future(self.reply(self, query, addr)))

    def send(self, message: dns.message.Message | bytes, addr: tuple[str, int]) -> None:
        assert self.transport is not None
        wire = message if isinstance(message, bytes) else message.to_wire()
        self.transport.sendto(wire, addr)


def answer_for(query: dns.message.Message, address: str) -> dns.message.Message:
    response = dns.message.make_response(query)
    response.flags |= dns.flags.AA
    name = query.question[0].name
    response.answer.append(dns.rrset.from_text(name, 60, "IN", "A", address))
    return response


def address_of(query: dns.message.Message) -> str:
    """Each name ``qN.test`` answers 192.0.2.N, so a mixed-up answer shows."""
    label = query.question[0].name.labels[0].decode()
    return f"192.0.2.{int(label[1:]) % 250 + 1}"


def run(
    reply: Reply, names: list[str], timeout: float = 2.0, host: str = "127.0.0.1"
) -> tuple[list[Answer], Script]:
    async def go() -> tuple[list[Answer], Script]:
        loop = asyncio.get_running_loop()
        transport, script = await loop.create_datagram_endpoint(
            lambda: Script(reply), local_addr=(host, 0)
        )
        port = transport.get_extra_info("sockname")[1]
        stack = build(DnsConfig(nameservers=((host, port),), timeout=timeout))
        try:
            answers = await asyncio.gather(*(stack.resolver.query(n, "A") for n in names))
        finally:
            await stack.close()
            for task in script.tasks:
                task.cancel()
            transport.close()
        return list(answers), script

    return asyncio.run(go())


def test_concurrent_queries_share_one_socket_and_get_their_own_answers() -> None:
    async def reply(server: Script, query: dns.message.Message, addr: tuple[str, int]) -> None:
        # later queries are answered first: the order of answers says nothing
        await asyncio.sleep(0.2 - (query.id % 97) / 1000)
        server.send(answer_for(query, address_of(query)), addr)

    names = [f"q{i}.test" for i in range(120)]
    answers, server = run(reply, names)
    assert [a.addresses() for a in answers] == [(f"192.0.2.{i % 250 + 1}",) for i in range(120)]
    assert all(a.status is Status.OK and a.name == n for a, n in zip(answers, names, strict=True))
    assert len(server.sources) == 1  # one socket for the whole run
    assert len(set(server.ids)) == len(server.ids)  # no two queries in flight share an ID


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback")
def test_an_ipv6_server_gets_its_own_socket_family() -> None:
    async def reply(server: Script, query: dns.message.Message, addr: tuple[str, int]) -> None:
        server.send(answer_for(query, address_of(query)), addr)

    answers, server = run(reply, ["q1.test", "q2.test"], host="::1")
    assert [a.addresses() for a in answers] == [("192.0.2.2",), ("192.0.2.3",)]
    assert all(a.source.startswith("[::1]:") for a in answers)


def test_the_socket_is_closed_with_the_stack() -> None:
    def open_fds() -> int:
        return len(os.listdir("/proc/self/fd"))

    async def reply(server: Script, query: dns.message.Message, addr: tuple[str, int]) -> None:
        server.send(answer_for(query, address_of(query)), addr)

    before = open_fds()
    answers, _ = run(reply, ["q1.test"])
    assert answers[0].ok
    assert open_fds() == before


def test_stray_and_spoofed_packets_are_ignored() -> None:
    async def reply(server: Script, query: dns.message.Message, addr: tuple[str, int]) -> None:
        wrong_id = answer_for(query, "203.0.113.1")
        wrong_id.id = (query.id + 1) % 65536
        server.send(wrong_id, addr)
        other = dns.message.make_query("q99.test", "A")
        other.id = query.id
        server.send(answer_for(other, "203.0.113.2"), addr)  # right ID, other question
        not_a_response = dns.message.make_query(query.question[0].name, "A")
        not_a_response.id = query.id
        server.send(not_a_response, addr)  # QR bit clear
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as spoof:  # right everything,
            spoof.sendto(answer_for(query, "203.0.113.3").to_wire(), addr)  # wrong source port
        server.send(b"\x00", addr)  # too short to carry an ID
        await asyncio.sleep(0.05)
        server.send(answer_for(query, address_of(query)), addr)

    answers, _ = run(reply, ["q1.test", "q2.test"])
    assert [a.addresses() for a in answers] == [("192.0.2.2",), ("192.0.2.3",)]
    assert all(a.status is Status.OK for a in answers)


def test_a_timeout_on_one_query_does_not_affect_the_others() -> None:
    async def reply(server: Script, query: dns.message.Message, addr: tuple[str, int]) -> None:
        if address_of(query) == "192.0.2.4":  # q3: never answered
            return
        await asyncio.sleep(0.05)
        server.send(answer_for(query, address_of(query)), addr)

    answers, _ = run(reply, ["q1.test", "q2.test", "q3.test", "q4.test"], timeout=0.4)
    silent = answers[2]
    assert silent.status is Status.TIMEOUT and silent.detail == "timeout"
    others = answers[:2] + answers[3:]
    assert [a.addresses() for a in others] == [("192.0.2.2",), ("192.0.2.3",), ("192.0.2.5",)]
    assert all(a.elapsed_ms < 300 for a in others)  # none waited for the silent one


def test_a_late_answer_to_a_query_that_gave_up_is_dropped() -> None:
    async def reply(server: Script, query: dns.message.Message, addr: tuple[str, int]) -> None:
        await asyncio.sleep(0.3 if address_of(query) == "192.0.2.2" else 0.02)
        server.send(answer_for(query, address_of(query)), addr)

    answers, _ = run(reply, ["q1.test", "q2.test"], timeout=0.15)
    assert answers[0].status is Status.TIMEOUT
    assert answers[1].addresses() == ("192.0.2.3",)


def test_rcodes_and_malformed_answers_keep_their_meaning() -> None:
    async def reply(server: Script, query: dns.message.Message, addr: tuple[str, int]) -> None:
        response = dns.message.make_response(query)
        which = address_of(query)
        if which == "192.0.2.2":
            response.set_rcode(dns.rcode.NXDOMAIN)
        elif which == "192.0.2.3":
            response.set_rcode(dns.rcode.REFUSED)
            response.question = []  # allowed to be empty on an error
        else:  # the right header and question, then garbage
            server.send(response.to_wire()[:-2] + b"\xff\xff\xff", addr)
            return
        server.send(response, addr)

    nxdomain, refused, malformed = run(reply, ["q1.test", "q2.test", "q3.test"])[0]
    assert nxdomain.status is Status.NXDOMAIN
    assert refused.status is Status.REFUSED
    assert malformed.status is Status.SERVFAIL
    assert malformed.detail.startswith("malformed answer")


def test_truncated_answer_is_asked_again_over_tcp() -> None:
    async def go() -> Answer:
        loop = asyncio.get_running_loop()

        async def tcp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            size = int.from_bytes(await reader.readexactly(2), "big")
            query = dns.message.from_wire(await reader.readexactly(size))
            wire = answer_for(query, "192.0.2.77").to_wire()
            writer.write(len(wire).to_bytes(2, "big") + wire)
            await writer.drain()
            writer.close()

        async def truncated(
            server: Script, query: dns.message.Message, addr: tuple[str, int]
        ) -> None:
            response = dns.message.make_response(query)
            response.flags |= dns.flags.TC
            server.send(response, addr)

        transport, script = await loop.create_datagram_endpoint(
            lambda: Script(truncated), local_addr=("127.0.0.1", 0)
        )
        port = transport.get_extra_info("sockname")[1]
        tcp_server = await asyncio.start_server(tcp, "127.0.0.1", port)
        stack = build(DnsConfig(nameservers=(("127.0.0.1", port),), timeout=2.0))
        try:
            return await stack.resolver.query("q1.test", "A")
        finally:
            await stack.close()
            transport.close()
            tcp_server.close()
            await tcp_server.wait_closed()

    answer = asyncio.run(go())
    assert answer.status is Status.OK and answer.addresses() == ("192.0.2.77",)
