"""A small authoritative DNS server on 127.0.0.1 that delays every answer.

It serves an in-memory table {(name, type): [rdata text]} over UDP and TCP and
holds each answer for ``delay`` seconds, like a far-away resolver. It records
when the first query arrived and when the last answer left, so the benchmark
can separate process start-up from the DNS phase. Loopback only.
"""

from __future__ import annotations

import asyncio
import struct
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

Table = Mapping[tuple[str, str], Sequence[str]]


@dataclass
class Clock:
    first_query: float | None = None
    last_answer: float | None = None
    queries: int = 0
    names: set[str] = field(default_factory=set)

    def reset(self) -> None:
        self.first_query = self.last_answer = None
        self.queries = 0
        self.names.clear()


class DelayServer:
    """Start with ``start()`` (a background thread); ``port`` is then bound."""

    def __init__(self, table: Table, delay: float) -> None:
        self.table = {(n.lower().rstrip("."), t.upper()): list(v) for (n, t), v in table.items()}
        self.names = {n for n, _ in self.table}
        self.delay = delay
        self.clock = Clock()
        self._rendered: dict[tuple[str, str], bytes] = {}
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> DelayServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("DNS server did not start")
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        transport, _ = self._loop.run_until_complete(
            self._loop.create_datagram_endpoint(lambda: _Udp(self), local_addr=("127.0.0.1", 0))
        )
        self.port = transport.get_extra_info("sockname")[1]
        tcp = self._loop.run_until_complete(
            asyncio.start_server(self._tcp, "127.0.0.1", self.port)
        )
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            transport.close()
            tcp.close()

    def answer(self, wire: bytes) -> bytes | None:
        """The response to one query; rendered once per (name, type), then only re-IDed."""
        self.clock.first_query = self.clock.first_query or time.monotonic()
        self.clock.queries += 1
        key = _question(wire)
        if key is None:
            return None
        cached = self._rendered.get(key)
        if cached is None:
            cached = self._rendered[key] = self._render(*key)
        return wire[:2] + cached[2:]

    def _render(self, name: str, rdtype: str) -> bytes:
        query = dns.message.make_query(dns.name.from_text(name), rdtype)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        values = self.table.get((name, rdtype))
        if values:
            owner = dns.name.from_text(name)
            response.answer.append(dns.rrset.from_text_list(owner, 60, "IN", rdtype, values))
        elif name not in self.names:
            response.set_rcode(dns.rcode.NXDOMAIN)
        return response.to_wire(max_size=65535)

    async def delayed(self, wire: bytes) -> bytes | None:
        await asyncio.sleep(self.delay)
        out = self.answer(wire)
        self.clock.last_answer = time.monotonic()
        return out

    async def _tcp(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            size = struct.unpack("!H", await reader.readexactly(2))[0]
            out = await self.delayed(await reader.readexactly(size))
            if out is not None:
                writer.write(struct.pack("!H", len(out)) + out)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, server: DelayServer) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        loop = asyncio.get_running_loop()
        loop.call_later(self.server.delay, self._reply, data, addr)

    def _reply(self, data: bytes, addr: tuple[str, int]) -> None:
        out = self.server.answer(data)
        self.server.clock.last_answer = time.monotonic()
        if out is None or self.transport is None:
            return
        if len(out) > 1232:  # make the client retry over TCP, as a real server would
            header = struct.pack("!HHHHHH", 0, 0x8600 | (data[2] & 1) << 8, 1, 0, 0, 0)
            out = data[:2] + header[2:] + data[12:_question_end(data)]
        self.transport.sendto(out, addr)


def _question_end(wire: bytes) -> int:
    i = 12
    while i < len(wire) and wire[i] != 0:
        i += wire[i] + 1
    return i + 5


def _question(wire: bytes) -> tuple[str, str] | None:
    """(name, type) of a query, read straight from the wire (no compression in questions)."""
    try:
        labels, i = [], 12
        while wire[i] != 0:
            labels.append(wire[i + 1 : i + 1 + wire[i]].decode("ascii").lower())
            i += wire[i] + 1
        rdtype = struct.unpack("!H", wire[i + 1 : i + 3])[0]
    except (IndexError, UnicodeDecodeError, struct.error):
        return None
    return ".".join(labels), dns.rdatatype.to_text(rdtype)
