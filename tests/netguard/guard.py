"""Refuse, loudly, any socket traffic to an address outside loopback.

Tests may only talk to 127.0.0.0/8 and ::1. A check that forgets ``--nameserver``
or ``--offline`` would otherwise quietly ask the machine's real resolver; with the
guard installed it fails with "network guard: ..." instead.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

_original: dict[str, Any] = {}


def _allowed(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths
        return True
    host = str(address[0]).split("%", 1)[0]
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _guarded(name: str) -> Any:
    original = getattr(socket.socket, name)

    def method(self: socket.socket, *args: Any) -> Any:
        address = args[-1]
        if not _allowed(address):
            raise OSError(f"network guard: a test tried to reach {address!r} (loopback only)")
        return original(self, *args)

    return method


def install() -> None:
    if _original:
        return
    for name in ("connect", "connect_ex", "sendto"):
        _original[name] = getattr(socket.socket, name)
        setattr(socket.socket, name, _guarded(name))


def uninstall() -> None:
    for name, original in _original.items():
        setattr(socket.socket, name, original)
    _original.clear()
