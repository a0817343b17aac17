"""One UDP socket per server, shared by every query of a run in flight at once.

A socket and an event-loop transport per query were most of a lookup's client
CPU; a run that sends a hundred queries in a few milliseconds uses one socket
instead. Each query gets a random 16-bit ID not in flight on the socket, and a
datagram is delivered to a query only when it comes from the server's address
and port and carries that ID, the QR bit, opcode QUERY and the same question
(RFC 5452 §9.1; an error rcode may leave the question out). Anything else -- a
stray or spoofed packet, a late answer to a query that gave up -- is dropped
unread, and the query keeps waiting until its own timeout.

The socket is not connected, as dnspython's own were not: a server where
nothing listens is a timeout, not a network error. Queries are written here
(RD, EDNS0 with a 1232-byte buffer, as ``dns.message.make_query`` would) and
answers read by dnspython.

``exchange`` raises what dnspython's ``udp()`` raised: ``dns.exception.Timeout``;
``OSError`` when the datagram cannot be sent; ``dns.message.Truncated`` when the
answer has TC set (the caller asks again over TCP); another ``DNSException``
when an answer to this question cannot be parsed.
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import struct

import dns.exception
import dns.message
import dns.name

EDNS_PAYLOAD = 1232  # DNS flag day 2020: no fragmentation, large TXT sets still fit
MAX_IN_FLIGHT = 60000  # IDs in use on one socket; the limiter keeps far below this
_RD = 0x0100
_QR = 0x80  # in the third octet
_OPCODE = 0x78  # in the third octet; QUERY is 0
_ERRORS_WITHOUT_QUESTION = frozenset({1, 2, 4, 5})  # FORMERR SERVFAIL NOTIMP REFUSED
# The OPT pseudo-RR: root owner, type 41, class = UDP payload size, no flags, no options.
_OPT = b"\x00" + struct.pack("!HHIH", 41, EDNS_PAYLOAD, 0, 0)


class Channel(asyncio.DatagramProtocol):
    """The UDP socket to one server. Open with ``await Channel.open(host, port)``."""

    def __init__(self, host: str, port: int) -> None:
        self.family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._peer = (host, port)
        self._peer_key = (_packed(self.family, host), port)
        self._pending: dict[int, _Query] = {}
        self._transport: asyncio.DatagramTransport | None = None
        self._sending: _Query | None = None

    @classmethod
    async def open(cls, host: str, port: int) -> Channel:
        channel = cls(host, port)
        sock = socket.socket(channel.family, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            sock.bind(("::" if channel.family == socket.AF_INET6 else "0.0.0.0", 0))
            await asyncio.get_running_loop().create_datagram_endpoint(lambda: channel, sock=sock)
        except BaseException:
            sock.close()
            raise
        return channel

    async def exchange(
        self, qname: dns.name.Name, rdtype: int, timeout: float
    ) -> dns.message.Message:
        """Ask for ``rdtype`` at the absolute ``qname``; wait for the answer or ``timeout``."""
        transport = self._transport
        if transport is None or transport.is_closing():
            raise ConnectionError("UDP socket closed")
        if len(self._pending) >= MAX_IN_FLIGHT:
            raise OSError("too many queries in flight")
        loop = asyncio.get_running_loop()
        qid = self._free_id()
        labels = b"".join(bytes((len(label),)) + label for label in qname.labels)
        question = labels + struct.pack("!HH", rdtype, 1)  # absolute: ends in the root label
        query = _Query(question, loop.create_future())
        self._pending[qid] = query
        timer = loop.call_later(timeout, query.time_out, timeout)
        try:
            self._sending = query
            try:
                transport.sendto(struct.pack("!6H", qid, _RD, 1, 0, 0, 1) + question + _OPT,
                                 self._peer)
            finally:
                self._sending = None
            return await query.waiter
        finally:
            timer.cancel()
            if self._pending.get(qid) is query:
                del self._pending[qid]

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def _free_id(self) -> int:
        while True:
            qid = secrets.randbits(16)
            if qid not in self._pending:
                return qid

    # asyncio.DatagramProtocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        for query in list(self._pending.values()):
            query.fail(exc if exc is not None else ConnectionError("UDP socket closed"))

    def error_received(self, exc: Exception) -> None:
        """A send failed: at once (the query being sent) or from the buffer (all of them)."""
        if self._sending is not None:
            self._sending.fail(exc)
            return
        for query in list(self._pending.values()):
            query.fail(exc)

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if len(data) < 12:
            return
        query = self._pending.get(int.from_bytes(data[:2], "big"))
        if query is None or query.waiter.done() or not self._from_peer(addr):
            return
        if not query.answered_by(data):
            return
        try:
            response = dns.message.from_wire(data, raise_on_truncation=True)
        except dns.exception.DNSException as exc:  # Truncated too: the caller asks over TCP
            query.fail(exc)
            return
        except Exception as exc:  # noqa: BLE001 - any parse failure is a malformed answer
            query.fail(dns.exception.FormError(str(exc)))  # type: ignore[no-untyped-call]
            return
        query.waiter.set_result(response)

    def _from_peer(self, addr: tuple[str | int, ...]) -> bool:
        host, port = addr[0], addr[1]
        if port != self._peer_key[1] or not isinstance(host, str):
            return False
        if host == self._peer[0]:
            return True
        try:
            return _packed(self.family, host) == self._peer_key[0]
        except OSError:
            return False


class _Query:
    __slots__ = ("name", "question", "waiter")

    def __init__(self, question: bytes, waiter: asyncio.Future[dns.message.Message]) -> None:
        self.name = question[:-4].lower()  # labels are at most 63 octets: no length byte changes
        self.question = question
        self.waiter = waiter

    def answered_by(self, data: bytes) -> bool:
        """A response (QR, opcode QUERY) to our question; the ID was matched already."""
        if not data[2] & _QR or data[2] & _OPCODE:
            return False
        qdcount = int.from_bytes(data[4:6], "big")
        if qdcount == 0:
            return data[3] & 0x0F in _ERRORS_WITHOUT_QUESTION
        end = 12 + len(self.name)
        return (
            qdcount == 1
            and data[12:end].lower() == self.name  # names compare case-insensitively
            and data[end : end + 4] == self.question[-4:]  # type and class
        )

    def fail(self, exc: BaseException) -> None:
        if not self.waiter.done():
            self.waiter.set_exception(exc)

    def time_out(self, timeout: float) -> None:
        self.fail(dns.exception.Timeout(timeout=timeout))  # type: ignore[no-untyped-call]


def _packed(family: int, host: str) -> bytes:
    return socket.inet_pton(family, host.partition("%")[0])

