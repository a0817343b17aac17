"""Why the world could not start.

    WorldError            a server failed: bad fixture, bad config, no answer in time
    └── ServerMissing     a server binary is not installed (skip locally, fail in CI)
"""

from __future__ import annotations


class WorldError(RuntimeError):
    """The real-DNS test world could not be started."""


class ServerMissing(WorldError):
    """A server binary is missing; the message names the apt package to install."""
