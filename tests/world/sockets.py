"""Loopback ports: free ones for the servers, and a blackhole that never answers.

A closed port answers with ICMP "port unreachable", which resolvers see at once;
a bound socket that nobody reads gives a real timeout, over UDP and over TCP
(the TCP handshake completes in the kernel, then nothing is ever sent).
"""

from __future__ import annotations

import socket

HOST = "127.0.0.1"


def free_ports(count: int) -> list[int]:
    """Distinct ports free for both UDP and TCP on loopback right now.

    All are held until every one is chosen, so no two are the same; another
    process may still take one before its server binds it (the caller retries).
    """
    held: list[socket.socket] = []
    ports: list[int] = []
    try:
        while len(ports) < count:
            if len(held) > 100 + 2 * count:
                raise OSError("no free loopback ports for UDP and TCP")
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            held.append(tcp)
            tcp.bind((HOST, 0))
            port = int(tcp.getsockname()[1])
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            held.append(udp)
            try:
                udp.bind((HOST, port))
            except OSError:
                continue
            ports.append(port)
    finally:
        for sock in held:
            sock.close()
    return ports


class Blackhole:
    """A UDP and a TCP socket on one loopback port that accept queries and never reply."""

    def __init__(self) -> None:
        for _ in range(50):
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                tcp.bind((HOST, 0))
                udp.bind((HOST, tcp.getsockname()[1]))
            except OSError:
                udp.close()
                tcp.close()
                continue
            tcp.listen(64)
            self._sockets = (udp, tcp)
            self.port = int(tcp.getsockname()[1])
            return
        raise OSError("no free loopback port for the blackhole")

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def close(self) -> None:
        for sock in self._sockets:
            sock.close()
