"""The live backend: dnspython over UDP (EDNS, 1232-byte buffer) with TCP fallback.

Queries to one server share one UDP socket (udp.py); an answer with TC set is
asked again over TCP. This and udp.py are the only modules that see network
exceptions; each becomes a ``Status``. Servers are tried in order; a timeout or
network error moves on to the next one, a real answer (even SERVFAIL or
REFUSED) is final for that server only if no later server answers better.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype

from triage.dns.answer import Answer, Status
from triage.dns.names import normalise, to_wire_name
from triage.dns.udp import EDNS_PAYLOAD, Channel

MAX_CHAIN = 12


@dataclass(frozen=True)
class Server:
    host: str
    port: int = 53

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def system_servers() -> tuple[Server, ...]:
    """The system resolver's servers (/etc/resolv.conf); empty when there is none."""
    import dns.resolver  # only without --nameserver: a heavy import

    try:
        conf = dns.resolver.Resolver(configure=True)
    except (dns.resolver.NoResolverConfiguration, OSError):
        return ()
    return tuple(Server(str(ns), int(conf.port)) for ns in conf.nameservers)


class LiveResolver:
    def __init__(self, servers: tuple[Server, ...], timeout: float, deadline: float) -> None:
        self._servers = servers
        self._timeout = timeout
        self._deadline = deadline  # time.monotonic() value after which nothing is sent
        self._channels: dict[Server, asyncio.Task[Channel]] = {}

    async def close(self) -> None:
        """Close the UDP sockets (the run's last step, after the cache's tasks ended)."""
        for opening in self._channels.values():
            if not opening.done():
                opening.cancel()
            elif not opening.cancelled() and opening.exception() is None:
                opening.result().close()
        self._channels.clear()
        await asyncio.sleep(0)  # let the transports finish closing their sockets

    async def query(self, name: str, rdtype: str) -> Answer:
        key = normalise(name)
        started = time.monotonic()
        answer = await self._resolve(key, rdtype, ())
        elapsed = (time.monotonic() - started) * 1000
        return Answer(
            name=key,
            rdtype=rdtype,
            status=answer.status,
            rdata=answer.rdata,
            ttl=answer.ttl,
            cnames=answer.cnames,
            elapsed_ms=elapsed,
            source=answer.source,
            detail=answer.detail,
        )

    async def _resolve(self, name: str, rdtype: str, chain: tuple[str, ...]) -> Answer:
        qname = to_wire_name(name)
        if qname is None:
            return Answer(name, rdtype, Status.BADNAME, detail="name cannot be queried")
        if not self._servers:
            return Answer(name, rdtype, Status.TIMEOUT, detail="no nameserver configured")
        answer = await self._ask(qname, name, rdtype)
        if isinstance(answer, Answer):
            return answer
        return await self._interpret(answer[0], answer[1], qname, name, rdtype, chain)

    async def _ask(
        self, qname: dns.name.Name, name: str, rdtype: str
    ) -> Answer | tuple[dns.message.Message, str]:
        failure = Answer(name, rdtype, Status.TIMEOUT, detail="no server answered")
        for server in self._servers:
            remaining = self._deadline - time.monotonic()
            if remaining <= 0:
                return Answer(name, rdtype, Status.TIMEOUT, detail="run deadline reached")
            try:
                response = await self._exchange(
                    server, qname, rdtype, min(self._timeout, remaining)
                )
            except dns.exception.Timeout:
                failure = Answer(name, rdtype, Status.TIMEOUT, source=str(server), detail="timeout")
                continue
            except (OSError, EOFError) as exc:
                detail = f"network error: {exc.__class__.__name__}"
                failure = Answer(name, rdtype, Status.TIMEOUT, source=str(server), detail=detail)
                continue
            except dns.exception.DNSException as exc:
                detail = f"malformed answer: {exc.__class__.__name__}"
                failure = Answer(name, rdtype, Status.SERVFAIL, source=str(server), detail=detail)
                continue
            return response, str(server)
        return failure

    async def _exchange(
        self, server: Server, qname: dns.name.Name, rdtype: str, timeout: float
    ) -> dns.message.Message:
        """UDP over the server's shared socket; TCP when the answer is truncated."""
        opening = self._channels.get(server)
        if opening is None:
            opening = asyncio.ensure_future(Channel.open(server.host, server.port))
            self._channels[server] = opening
        channel = await asyncio.shield(opening)
        try:
            return await channel.exchange(qname, dns.rdatatype.from_text(rdtype), timeout)
        except dns.message.Truncated:
            from dns.asyncquery import tcp  # only for the rare truncated answer

            request = dns.message.make_query(qname, rdtype, use_edns=0, payload=EDNS_PAYLOAD)
            request.flags |= dns.flags.RD
            return await tcp(request, server.host, timeout=timeout, port=server.port)

    async def _interpret(
        self,
        response: dns.message.Message,
        source: str,
        qname: dns.name.Name,
        name: str,
        rdtype: str,
        chain: tuple[str, ...],
    ) -> Answer:
        rcode = response.rcode()
        if rcode == dns.rcode.SERVFAIL:
            return Answer(name, rdtype, Status.SERVFAIL, cnames=chain, source=source)
        if rcode == dns.rcode.REFUSED:
            return Answer(name, rdtype, Status.REFUSED, cnames=chain, source=source)
        if rcode not in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN):
            detail = f"rcode {dns.rcode.to_text(rcode)}"
            return Answer(name, rdtype, Status.SERVFAIL, cnames=chain, source=source, detail=detail)
        want = dns.rdatatype.from_text(rdtype)
        current = qname
        followed = list(chain)
        for _ in range(MAX_CHAIN):
            rrset = response.get_rrset(response.answer, current, dns.rdataclass.IN, want)
            if rrset is not None:
                return Answer(
                    name, rdtype, Status.OK, tuple(rrset), rrset.ttl, tuple(followed), source=source
                )
            cname = response.get_rrset(
                response.answer, current, dns.rdataclass.IN, dns.rdatatype.CNAME
            )
            if cname is None or want == dns.rdatatype.CNAME:
                break
            current = cname[0].target
            followed.append(normalise(current.to_text()))
            if len(followed) > MAX_CHAIN:
                return Answer(
                    name,
                    rdtype,
                    Status.SERVFAIL,
                    cnames=tuple(followed),
                    source=source,
                    detail="CNAME chain too long",
                )
        if (
            rcode == dns.rcode.NOERROR
            and len(followed) > len(chain)
            and not _has_soa(response)
            and len(followed) < MAX_CHAIN
        ):
            # An authoritative server gave the CNAME but not the target's data and no
            # negative proof for it: ask for the target ourselves.
            nested = await self._resolve(followed[-1], rdtype, tuple(followed))
            return nested.named(name)
        status = Status.NXDOMAIN if rcode == dns.rcode.NXDOMAIN else Status.NODATA
        return Answer(
            name, rdtype, status, (), _negative_ttl(response), tuple(followed), source=source
        )


def _has_soa(response: dns.message.Message) -> bool:
    return any(rrset.rdtype == dns.rdatatype.SOA for rrset in response.authority)


def _negative_ttl(response: dns.message.Message) -> int | None:
    for rrset in response.authority:
        if rrset.rdtype == dns.rdatatype.SOA:
            return int(min(rrset.ttl, rrset[0].minimum))
    return None
