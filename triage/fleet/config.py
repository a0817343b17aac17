"""Read a fleet file: every sender, its inputs and expectations, checked before any query.

A mistake in the file is an ``InputError`` (exit 2) naming the file, the line and the
key: an unknown key (a typo must not silently drop a check), a wrong type, an invalid
domain or IP, a duplicate sender (two with the same ``name``, which defaults to the
domain). A deferral file that does not exist is not a config error: that one sender
runs without it and is inconclusive (``run.py``), the rest of the fleet goes on.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage.deferrals.thresholds import Thresholds
from triage.errors import InputError
from triage.fleet.expect import check_expectations
from triage.fleet.positions import Positions, scan
from triage.sanitize import clean

TOP_KEYS = frozenset({"defaults", "sender"})
# the numbers the deferrals and the verdict judge by (check's --watch-rate, --act-rate,
# --window), for the fleet in [defaults] or for one sender
THRESHOLD_KEYS = {"watch_rate": (0.0, 100.0), "act_rate": (0.0, 100.0),
                  "window": (1.0, float("inf"))}
DEFAULT_KEYS = frozenset({"selectors", "deferrals", "expect", *THRESHOLD_KEYS})
SENDER_KEYS = frozenset({"name", "domain", "ips", "helo", "mail_from", "selectors", "deferrals",
                         "expect", *THRESHOLD_KEYS})


@dataclass(frozen=True)
class SenderSpec:
    index: int  # 0-based, in file order (shards take index mod N = K - 1)
    name: str  # unique in the file; the domain unless given
    line: int | None
    domain: str
    ips: tuple[str, ...]
    helo: str | None
    mail_from: str | None
    selectors: tuple[str, ...]
    deferrals: tuple[str, ...]  # resolved against the file's folder
    expect: tuple[tuple[str, Any], ...]
    thresholds: Thresholds = Thresholds()


@dataclass(frozen=True)
class FleetConfig:
    path: Path
    senders: tuple[SenderSpec, ...]


class _Where:
    def __init__(self, path: Path, positions: Positions) -> None:
        self.path, self.positions = path, positions

    def error(self, table: str, index: int, key: str | None, message: str) -> InputError:
        line = self.positions.line(table, index, key)
        at = f"{self.path}:{line}" if line is not None else str(self.path)
        what = f"[[sender]] #{index + 1}" if index >= 0 else f"[{table}]" if table else "top level"
        name = f" {key}" if key else ""
        if key and index >= 0 and table == "sender.expect":
            name = f" expect.{key}"
        return InputError(f"{at}: {what}{name}: {clean(message, 300)}")


def load(path: Path) -> FleetConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"fleet file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read fleet file {path}: {clean(str(exc), 200)}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: not valid TOML: {clean(str(exc), 200)}") from None
    return parse(data, path, scan(text))


def parse(data: Mapping[str, Any], path: Path, positions: Positions) -> FleetConfig:
    where = _Where(path, positions)
    _known(where, data, TOP_KEYS, "", -1)
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise where.error("", -1, "defaults", "must be a table ([defaults])")
    _known(where, defaults, DEFAULT_KEYS, "defaults", -1)
    base_expect = _expect(where, defaults.get("expect", {}), "defaults.expect", -1)
    rows = data.get("sender", [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise where.error("", -1, "sender", "must be an array of tables ([[sender]])")
    if not rows:
        raise InputError(f"{path}: no [[sender]] in the file")
    folder = path.parent
    senders: list[SenderSpec] = []
    seen: dict[str, SenderSpec] = {}
    for index, row in enumerate(rows):
        spec = _sender(where, index, row, defaults, base_expect, folder)
        if spec.name in seen:
            first = seen[spec.name]
            key = "name" if "name" in row else "domain"
            raise where.error("sender", index, key, f"duplicate sender {spec.name!r} (first at "
                              f"line {first.line}); give one of them another name = \"...\"")
        seen[spec.name] = spec
        senders.append(spec)
    return FleetConfig(path, tuple(senders))


def _known(where: _Where, table: Mapping[str, Any], allowed: frozenset[str], name: str,
           index: int) -> None:
    for key in table:
        if key not in allowed:
            raise where.error(name, index, key,
                              f"unknown key (known: {', '.join(sorted(allowed))})")


def _sender(where: _Where, index: int, row: Mapping[str, Any], defaults: Mapping[str, Any],
            base_expect: dict[str, Any], folder: Path) -> SenderSpec:
    from triage.checks import inputs
    from triage.checks.rdns.entry import address

    _known(where, row, SENDER_KEYS, "sender", index)
    get = _getter(where, "sender", index, row)
    if "domain" not in row:
        raise where.error("sender", index, None, "domain is required")
    domain = get("domain", str)
    _valid(where, index, "domain", inputs.domain, domain)
    ips = get("ips", list)
    if not ips:
        raise where.error("sender", index, "ips", "give at least one sending IP")
    for ip in ips:
        if not isinstance(ip, str):
            raise where.error("sender", index, "ips", "every IP must be a string")
        _valid(where, index, "ips", address, ip)
    helo = get("helo", str, None)
    mail_from = get("mail_from", str, None)
    if mail_from is not None:
        _valid(where, index, "mail_from", inputs.mail_domain, mail_from)
    selectors = _strings(where, index, "selectors", row, defaults)
    for selector in selectors:
        _valid(where, index, "selectors", inputs.selector, selector)
    deferrals = _strings(where, index, "deferrals", row, defaults)
    expect = dict(base_expect)
    expect.update(_expect(where, row.get("expect", {}), "sender.expect", index))
    name = get("name", str, domain)
    return SenderSpec(index, name, where.positions.line("sender", index), domain,
                      tuple(dict.fromkeys(ips)), helo, mail_from, selectors,
                      tuple(str(folder / p) if p != "-" else p for p in deferrals),
                      tuple(expect.items()), _thresholds(where, index, row, defaults))


def _thresholds(where: _Where, index: int, row: Mapping[str, Any],
                defaults: Mapping[str, Any]) -> Thresholds:
    """The sender's numbers: its own keys, else [defaults], else the playbook's."""
    import math

    numbers = {}
    for key, (lo, hi) in THRESHOLD_KEYS.items():
        source, table, at = (row, "sender", index) if key in row else (defaults, "defaults", -1)
        value = source.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or not lo <= value <= hi:
            limit = f"{lo:g} to {hi:g}" if math.isfinite(hi) else f"{lo:g} or more"
            raise where.error(table, at, key, f"must be a finite number, {limit}")
        numbers[key] = float(value)
    base = Thresholds()
    watch = numbers.get("watch_rate", 100 * base.watch)
    act = numbers.get("act_rate", 100 * base.act)
    if act < watch:
        own = "act_rate" in row or "watch_rate" in row
        given = row if own else defaults
        raise where.error("sender" if own else "defaults", index if own else -1,
                          "act_rate" if "act_rate" in given else "watch_rate",
                          f"act_rate ({act:g}) must not be below watch_rate ({watch:g})")
    return Thresholds(watch / 100, act / 100, numbers.get("window", base.window_minutes))


def _getter(where: _Where, table: str, index: int, row: Mapping[str, Any]
            ) -> Callable[..., Any]:
    missing = object()

    def get(key: str, kind: type, default: Any = missing) -> Any:
        if key not in row:
            if default is missing:
                raise where.error(table, index, key, "is required")
            return default
        value = row[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise where.error(table, index, key, f"must be {_kind(kind)}, not {_kind(type(value))}")
        return value

    return get


def _kind(kind: type) -> str:
    return {str: "a string", list: "an array", int: "an integer", bool: "true or false",
            dict: "a table", float: "a number"}.get(kind, kind.__name__)


def _strings(where: _Where, index: int, key: str, row: Mapping[str, Any],
             defaults: Mapping[str, Any]) -> tuple[str, ...]:
    source, table, at = (row, "sender", index) if key in row else (defaults, "defaults", -1)
    value = source.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(table, at, key, "must be an array of strings")
    return tuple(value)


def _valid(where: _Where, index: int, key: str, validate: Callable[[str], object],
           value: str) -> None:
    try:
        validate(value)
    except InputError as exc:
        raise where.error("sender", index, key, str(exc)) from None


def _expect(where: _Where, table: object, name: str, index: int) -> dict[str, Any]:
    if not isinstance(table, dict):
        raise where.error(name.split(".")[0], index, "expect", "must be a table")
    for key, value in table.items():
        problem = check_expectations(key, value)
        if problem is not None:
            raise where.error(name, index, key, problem)
    return dict(table)
