"""A real HTTPS server on loopback for the fetcher, SNDS and MTA-STS tests.

Certificates come from a test CA made with ``trustme`` (trusted by the triage process
through ``SSL_CERT_FILE``); a second CA that nobody trusts signs the "untrusted" host,
and one host gets a certificate for another name (chosen by SNI). Routes are keyed by
(Host without port, path); every request is recorded with its SNI, Host and full
target, so a test can assert which host received what (and that a key went nowhere
else). Behaviours: plain, delayed start, trickling body, hang (never answers).
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import trustme


@dataclass(frozen=True)
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/plain"
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0  # before the status line
    trickle: float = 0.0  # seconds between body bytes (0: all at once)
    hang: bool = False  # read the request, never answer
    length: bool = True  # send Content-Length (else the body ends when the connection does)


@dataclass(frozen=True)
class Seen:
    sni: str | None
    host: str  # the Host header, port removed
    target: str  # path and query as sent


@dataclass
class Web:
    port: int
    ca_file: Path
    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    connections: list[str | None] = field(default_factory=list)  # SNI of every handshake

    def route(self, host: str, path: str, route: Route) -> None:
        self.routes[(host.lower(), path)] = route

    def requests_to(self, host: str) -> list[Seen]:
        return [s for s in self.seen if s.host == host or s.sni == host]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    web: Web
    contexts: dict[str, ssl.SSLContext]
    default: ssl.SSLContext
    stopping: threading.Event


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        server = self.server
        try:
            tls = server.default.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError):
            server.web.connections.append(None)
            return
        sni = getattr(tls, "sni", None)
        server.web.connections.append(sni)
        try:
            self._serve(tls, sni)
        except (OSError, ssl.SSLError):
            pass
        finally:
            with contextlib.suppress(OSError):
                tls.close()

    def _serve(self, tls: ssl.SSLSocket, sni: str | None) -> None:
        tls.settimeout(30)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = tls.recv(4096)
            if not chunk:
                return
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        target = head[0].split(" ")[1] if len(head[0].split(" ")) > 2 else "/"
        host = next((line.split(":", 1)[1].strip() for line in head[1:]
                     if line.lower().startswith("host:")), "")
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        web = self.server.web
        web.seen.append(Seen(sni, host.lower(), target))
        route = web.routes.get((host.lower(), target.split("?", 1)[0]),
                               Route(404, b"not found\n"))
        if route.hang:
            self.server.stopping.wait(60)
            return
        if route.delay:
            time.sleep(route.delay)
        lines = [f"HTTP/1.1 {route.status} X", "Connection: close"]
        if route.length:
            lines.append(f"Content-Length: {len(route.body)}")
        if route.content_type:
            lines.append(f"Content-Type: {route.content_type}")
        lines += [f"{k}: {v}" for k, v in route.headers]
        tls.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if not route.trickle:
            tls.sendall(route.body)
            return
        for i in range(len(route.body)):
            if self.server.stopping.wait(route.trickle):
                return
            tls.sendall(route.body[i:i + 1])


class WebServer:
    """Start with ``WebServer(tmp_path, names, wrong={host: other_name},
    untrusted=(host,))``; ``.web`` is what tests configure; ``close()`` stops it."""

    def __init__(self, folder: Path, names: tuple[str, ...], *,
                 wrong: dict[str, str] | None = None, untrusted: tuple[str, ...] = ()) -> None:
        ca, stranger = trustme.CA(), trustme.CA()
        ca_file = folder / "test-ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        server = _Server(("127.0.0.1", 0), _Handler, bind_and_activate=True)
        server.contexts = {}
        server.stopping = threading.Event()
        server.default = self._context(ca.issue_cert(*names))

        def pick(sock: ssl.SSLSocket, name: str | None, _ctx: ssl.SSLContext) -> None:
            sock.sni = name  # type: ignore[attr-defined]
            if name in server.contexts:
                sock.context = server.contexts[name]

        server.default.sni_callback = pick  # type: ignore[assignment]
        for host, other in (wrong or {}).items():
            server.contexts[host] = self._context(ca.issue_cert(other))
        for host in untrusted:
            server.contexts[host] = self._context(stranger.issue_cert(host))
        self.web = Web(server.server_address[1], ca_file)
        server.web = self.web
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    @staticmethod
    def _context(cert: trustme.LeafCert) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        return context

    def close(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
