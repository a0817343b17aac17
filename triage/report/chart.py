"""The deferral timeline as an SVG line chart: deferral rate per provider over time.

Written beside the escalation package (``check --chart FILE.svg``) so support
sees when the deferrals started and whether they recovered. It must read when
printed in black and white or seen without colour: every provider has its own
dash pattern and marker shape and is labelled at the end of its line, not only
in a colour legend. Pure string building; every text is XML-escaped.

The rate of a provider in a bucket is ``deferred / attempts`` from
``timeline[i].providers[p]``; a bucket where the provider had no attempt has
no point (no data is not 0 %) and breaks its line, so a provider's line may be
several polylines with the same ``data-provider``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_COLOURS = ("#1f4e79", "#b03a2e", "#1e8449", "#7d3c98", "#b9770e", "#2e4053", "#148f77")
_DASHES = ("none", "8 4", "2 3", "10 3 2 3", "1 6", "14 4 4 4", "6 2 6 6")
_MARKERS = ("circle", "square", "triangle", "diamond", "cross", "circle-open", "square-open")
_LEFT, _RIGHT, _TOP, _BOTTOM = 60, 150, 44, 56
_LABEL_GAP = 13
_MAX_MARKERS = 60


@dataclass(frozen=True)
class Series:
    provider: str
    points: tuple[tuple[int, float], ...]  # (bucket index, rate 0..1)


def series(timeline: Sequence[Mapping[str, Any]]) -> list[Series]:
    """One series per provider (first seen first), a point per bucket it had attempts in."""
    points: dict[str, list[tuple[int, float]]] = {}
    for i, bucket in enumerate(timeline):
        for name, counts in (bucket.get("providers") or {}).items():
            attempts = counts.get("attempts") or 0
            points.setdefault(str(name), [])
            if attempts > 0:
                points[str(name)].append((i, (counts.get("deferred") or 0) / attempts))
    return [Series(name, tuple(p)) for name, p in points.items() if p]


def _when(start: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(start).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment


@dataclass(frozen=True)
class _Frame:
    """Where the plot area sits and how bucket positions map into it."""

    width: int
    height: int
    offsets: tuple[float, ...]  # each bucket's position, 0..1 along the time axis

    @property
    def plot_w(self) -> float:
        return float(self.width - _LEFT - _RIGHT)

    @property
    def plot_h(self) -> float:
        return float(self.height - _TOP - _BOTTOM)

    def x(self, index: int) -> float:
        return round(_LEFT + self.offsets[index] * self.plot_w, 1)

    def y(self, rate: float) -> float:
        return round(_TOP + (1 - min(max(rate, 0.0), 1.0)) * self.plot_h, 1)


def _offsets(times: Sequence[datetime | None]) -> tuple[float, ...]:
    known = [t for t in times if t is not None]
    if len(times) < 2:
        return tuple(0.5 for _ in times)
    same_kind = len({t.tzinfo is None for t in known}) == 1
    if len(known) == len(times) and same_kind and known[-1] > known[0]:
        span = (known[-1] - known[0]).total_seconds()
        return tuple((t - known[0]).total_seconds() / span for t in known)
    return tuple(i / (len(times) - 1) for i in range(len(times)))


def _text(x: float, y: float, text: str, **attrs: str) -> str:
    extra = "".join(f" {k.rstrip('_').replace('_', '-')}={quoteattr(v)}"
                    for k, v in attrs.items())
    return f'<text x="{x}" y="{y}"{extra}>{escape(text)}</text>'


def _axes(frame: _Frame, times: Sequence[datetime | None], zone: str) -> list[str]:
    out = []
    bottom, right = _TOP + frame.plot_h, _LEFT + frame.plot_w
    for pct in (0, 25, 50, 75, 100):
        y = frame.y(pct / 100)
        out.append(f'<line class="tick" data-value="{pct / 100}" x1="{_LEFT}" y1="{y}" '
                   f'x2="{right}" y2="{y}" stroke="#d0d0d0" stroke-width="1"/>')
        out.append(_text(_LEFT - 8, y + 4, f"{pct} %", text_anchor="end", font_size="11"))
    out.append(f'<line x1="{_LEFT}" y1="{_TOP}" x2="{_LEFT}" y2="{bottom}" stroke="#000"/>')
    out.append(f'<line x1="{_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#000"/>')
    step = max(1, -(-len(times) // 6))
    last_day = ""
    for i in range(0, len(times), step):
        moment = times[i]
        x = frame.x(i)
        out.append(f'<line x1="{x}" y1="{bottom}" x2="{x}" y2="{bottom + 5}" stroke="#000"/>')
        label = moment.strftime("%H:%M") if moment else str(i + 1)
        out.append(_text(x, bottom + 18, label, text_anchor="middle", font_size="11"))
        day = moment.strftime("%Y-%m-%d") if moment else ""
        if day and day != last_day:
            out.append(_text(x, bottom + 31, day, text_anchor="middle", font_size="10"))
            last_day = day
    out.append(_text(_LEFT + frame.plot_w / 2, frame.height - 8, f"bucket start ({zone})",
                     text_anchor="middle", font_size="12"))
    out.append(_text(14, _TOP + frame.plot_h / 2, "deferred / attempts", text_anchor="middle",
                     font_size="12", transform=f"rotate(-90 14 {_TOP + frame.plot_h / 2})"))
    return out


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    filled = f'fill="{colour}"' if not kind.endswith("-open") else f'fill="#fff" stroke="{colour}"'
    if kind.startswith("circle"):
        return f'<circle cx="{x}" cy="{y}" r="3.5" {filled}/>'
    if kind.startswith("square"):
        return f'<rect x="{x - 3.5}" y="{y - 3.5}" width="7" height="7" {filled}/>'
    if kind == "triangle":
        return f'<path d="M{x} {y - 4.5} L{x + 4.5} {y + 3.5} L{x - 4.5} {y + 3.5} Z" {filled}/>'
    if kind == "diamond":
        return f'<path d="M{x} {y - 5} L{x + 5} {y} L{x} {y + 5} L{x - 5} {y} Z" {filled}/>'
    return (f'<path d="M{x - 4} {y - 4} L{x + 4} {y + 4} M{x - 4} {y + 4} L{x + 4} {y - 4}" '
            f'stroke="{colour}" stroke-width="2"/>')


def _label_ys(wanted: Sequence[float], top: float, bottom: float) -> list[float]:
    """Label positions near ``wanted`` but at least one text line apart, inside the plot.

    Labels are pushed down past the ones above them, then the stack that ran
    past ``bottom`` is pushed back up: only labels that collide move.
    """
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed: dict[int, float] = {}
    floor = top
    for i in order:
        placed[i] = max(wanted[i], floor)
        floor = placed[i] + _LABEL_GAP
    ceiling = bottom
    for i in reversed(order):
        placed[i] = min(placed[i], ceiling)
        ceiling = placed[i] - _LABEL_GAP
    return [round(placed[i], 1) for i in range(len(wanted))]


def _runs(points: Sequence[tuple[int, float]]) -> list[list[tuple[int, float]]]:
    """Consecutive buckets: a bucket without attempts breaks the line instead of bridging it."""
    runs: list[list[tuple[int, float]]] = []
    for point in points:
        if runs and point[0] == runs[-1][-1][0] + 1:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs


def _lines(frame: _Frame, all_series: Sequence[Series]) -> list[str]:
    out, ends = [], []
    for n, s in enumerate(all_series):
        colour, dash, marker = (seq[n % len(seq)] for seq in (_COLOURS, _DASHES, _MARKERS))
        for run in _runs(s.points):
            coords = " ".join(f"{frame.x(i)},{frame.y(rate)}" for i, rate in run)
            out.append(f'<polyline class="series" data-provider={quoteattr(s.provider)} '
                       f'points="{coords}" fill="none" stroke="{colour}" stroke-width="2" '
                       f'stroke-dasharray="{dash}"><title>{escape(s.provider)}</title>'
                       '</polyline>')
        if len(s.points) <= _MAX_MARKERS:
            out += [_marker(marker, frame.x(i), frame.y(rate), colour) for i, rate in s.points]
        ends.append((s, colour, frame.x(s.points[-1][0]), frame.y(s.points[-1][1])))
    label_ys = _label_ys([y for *_, y in ends], _TOP + 4, _TOP + frame.plot_h + 4)
    for (s, colour, x, _), y in zip(ends, label_ys, strict=True):
        text = f"{s.provider} {100 * s.points[-1][1]:.0f} %"
        out.append(_text(x + 8, y + 4, text, font_size="11", fill=colour, class_="label"))
    return out


def svg(timeline: Sequence[Mapping[str, Any]], *, width: int = 760, height: int = 380,
        title: str = "Deferral rate per provider") -> str:
    """The chart as a standalone SVG document."""
    times = [_when(b.get("start")) for b in timeline]
    zone = "UTC" if times and all(t is not None and t.tzinfo for t in times) else "as logged"
    frame = _Frame(width, height, _offsets(times))
    all_series = series(timeline)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)} '
        'font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        _text(width / 2, 24, title, text_anchor="middle", font_size="15", font_weight="bold"),
    ]
    if not all_series:
        parts.append(_text(width / 2, height / 2, "no per-provider timeline in the input",
                           text_anchor="middle", font_size="13"))
        return "\n".join([*parts, "</svg>"]) + "\n"
    parts += _axes(frame, times, zone)
    parts += _lines(frame, all_series)
    return "\n".join([*parts, "</svg>"]) + "\n"
