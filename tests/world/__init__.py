"""The real-DNS test world: NSD, rbldnsd and unbound on loopback, from fixtures/world.

See README.md in this folder for the zones, names and conventions.
"""

from .errors import ServerMissing, WorldError
from .world import FIXTURES, RunResult, World, host_port, start_world

__all__ = [
    "FIXTURES",
    "RunResult",
    "ServerMissing",
    "World",
    "WorldError",
    "host_port",
    "start_world",
]
