"""The SVG deferral chart (report/chart.py): parsed back, its lines must say what the data says.

The timeline is written here in the shape of ``deferrals.timeline[i].providers``
(/tmp/spec/check-json.md): 10-minute buckets over two hours of a Microsoft 365
throttling episode that recovers, outlook.com steady, Yahoo absent in a gap.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from triage.report.chart import series, svg

NS = {"s": "http://www.w3.org/2000/svg"}
START = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _bucket(i: int, providers: Mapping[str, tuple[int, int]]) -> dict[str, Any]:
    """A bucket with (attempts, deferred) per provider; delivered is the rest."""
    per = {name: {"attempts": a, "delivered": a - d, "deferred": d, "bounced": 0}
           for name, (a, d) in providers.items()}
    return {"start": (START + timedelta(minutes=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "minutes": 10,
            "delivered": sum(p["delivered"] for p in per.values()),
            "deferred": sum(p["deferred"] for p in per.values()), "bounced": 0,
            "providers": per}


MS = [(100, 2), (120, 30), (110, 66), (90, 81), (100, 90), (100, 60), (100, 20), (100, 5),
      (100, 1), (100, 0), (100, 0), (100, 0)]
YAHOO = {0: (20, 1), 1: (20, 2), 7: (10, 5), 8: (10, 1)}


def timeline() -> list[dict[str, Any]]:
    out = []
    for i, ms in enumerate(MS):
        providers = {"microsoft-365": ms, "outlook.com": (40, 4)}
        if i in YAHOO:
            providers["yahoo"] = YAHOO[i]
        out.append(_bucket(i, providers))
    return out


def _parse(document: str) -> ET.Element:
    return ET.fromstring(document)


def _points(line: ET.Element) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in
            (pair.split(",") for pair in (line.get("points") or "").split())]


def _scale(root: ET.Element) -> tuple[float, float]:
    """The y of the 0 % and the 100 % grid lines."""
    ticks = {t.get("data-value"): float(t.get("y1") or "nan")
             for t in root.iterfind(".//s:line[@class='tick']", NS)}
    return ticks["0.0"], ticks["1.0"]


def test_one_polyline_per_provider_with_the_input_values() -> None:
    data = timeline()
    root = _parse(svg(data))
    lines: dict[str, list[ET.Element]] = {}
    for p in root.iterfind(".//s:polyline", NS):
        lines.setdefault(p.get("data-provider") or "", []).append(p)
    assert set(lines) == {"microsoft-365", "outlook.com", "yahoo"}
    assert [len(lines[n]) for n in ("microsoft-365", "outlook.com", "yahoo")] == [1, 1, 2]
    zero, full = _scale(root)
    for name, parts in lines.items():
        expected = [(i, b["providers"][name]["deferred"] / b["providers"][name]["attempts"])
                    for i, b in enumerate(data) if name in b["providers"]]
        points = [point for part in parts for point in _points(part)]
        assert len(points) == len(expected), name
        for (_, y), (_, rate) in zip(points, expected, strict=True):
            assert (zero - y) / (zero - full) == pytest.approx(rate, abs=0.005), name
        xs = [x for x, _ in points]
        assert xs == sorted(xs) and len(set(xs)) == len(xs)


def test_x_follows_time_not_index() -> None:
    data = [_bucket(0, {"google": (10, 1)}), _bucket(1, {"google": (10, 2)}),
            _bucket(5, {"google": (10, 3)})]  # a gap of four buckets before the last
    parts = _parse(svg(data)).iterfind(".//s:polyline", NS)
    (x0, _), (x1, _), (x2, _) = [point for part in parts for point in _points(part)]
    assert (x2 - x1) == pytest.approx(4 * (x1 - x0), rel=0.01)


def test_readable_without_colour() -> None:
    root = _parse(svg(timeline()))
    dashes = {p.get("data-provider"): p.get("stroke-dasharray")
              for p in root.iterfind(".//s:polyline", NS)}
    assert len(set(dashes.values())) == len(dashes) == 3
    labels = [t.text or "" for t in root.iterfind(".//s:text[@class='label']", NS)]
    assert sorted(label.split()[0] for label in labels) == ["microsoft-365", "outlook.com",
                                                            "yahoo"]
    assert "microsoft-365 0 %" in labels  # the last value, at the end of the line
    ys = sorted(float(t.get("y") or 0) for t in root.iterfind(".//s:text[@class='label']", NS))
    assert all(b - a >= 12 for a, b in zip(ys, ys[1:], strict=False))  # labels do not overlap


def test_axes_title_and_times() -> None:
    root = _parse(svg(timeline(), title="Deferrals <to> Microsoft & co"))
    texts = [t.text or "" for t in root.iterfind(".//s:text", NS)]
    assert "Deferrals <to> Microsoft & co" in texts  # escaped in the file, intact when parsed
    for pct in ("0 %", "25 %", "50 %", "75 %", "100 %"):
        assert pct in texts
    assert "10:00" in texts and "2026-11-23" in texts
    assert "bucket start (UTC)" in texts
    assert root.findtext("s:title", namespaces=NS) == "Deferrals <to> Microsoft & co"


def test_hostile_provider_name_is_escaped() -> None:
    data = [_bucket(0, {'evil"><script>': (10, 5)}), _bucket(1, {'evil"><script>': (10, 1)})]
    document = svg(data)
    assert "<script>" not in document
    root = _parse(document)
    assert next(root.iterfind(".//s:polyline", NS)).get("data-provider") == 'evil"><script>'


def test_naive_times_are_not_called_utc() -> None:
    data = [dict(b, start=b["start"].rstrip("Z")) for b in timeline()]
    texts = [t.text for t in _parse(svg(data)).iterfind(".//s:text", NS)]
    assert "bucket start (as logged)" in texts and "bucket start (UTC)" not in texts


def test_no_provider_data_still_a_valid_document() -> None:
    old_shape = [{"start": "2026-11-23T11:20:00", "minutes": 5, "delivered": 3, "deferred": 1,
                  "bounced": 0}]
    for data in ([], old_shape):
        root = _parse(svg(data))
        assert root.find(".//s:polyline", NS) is None
        assert any("no per-provider" in (t.text or "") for t in root.iterfind(".//s:text", NS))


def test_single_bucket_and_zero_attempts() -> None:
    data = [_bucket(0, {"apple": (0, 0), "google": (4, 1)})]
    assert [s.provider for s in series(data)] == ["google"]
    line = next(_parse(svg(data)).iterfind(".//s:polyline", NS))
    assert len(_points(line)) == 1


def test_real_postfix_timeline() -> None:
    """The chart of what ``triage deferrals`` prints for the real Postfix log."""
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from triage.cli import cli

    log = Path(__file__).parent.parent / "fixtures" / "logs" / "postfix" / "maillog"
    out = CliRunner().invoke(cli, ["deferrals", str(log), "--format", "json"])
    data = json.loads(out.stdout)["timeline"]
    root = _parse(svg(data))
    zero, full = _scale(root)
    drawn: dict[str, list[float]] = {}
    for line in root.iterfind(".//s:polyline", NS):
        rates = [(zero - y) / (zero - full) for _, y in _points(line)]
        drawn.setdefault(line.get("data-provider") or "", []).extend(rates)
    expected = {name: [b["providers"][name]["deferred"] / b["providers"][name]["attempts"]
                       for b in data if b["providers"].get(name, {}).get("attempts")]
                for name in {n for b in data for n in b["providers"]}}
    assert drawn.keys() == {k for k, v in expected.items() if v}
    for name, rates in drawn.items():
        assert rates == pytest.approx(expected[name], abs=0.005), name
