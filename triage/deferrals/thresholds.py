"""The numbers the deferral analysis judges by: rate bands and the escalation clock.

Defaults from the Microsoft deferral playbook (§1 bands: under 1 % normal, 1-5 % watch,
over 5 % act; §2 duration: 0-15 min monitor, 15-60 min tune retries, 60+ min escalate).
``triage check`` and ``triage deferrals`` take ``--watch-rate``, ``--act-rate`` and
``--window``: the bands in the tables, the rate findings, the streaks and the verdict
then all use the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    watch: float = 0.01  # a rate from which a provider is in the watch band (and a streak runs)
    act: float = 0.05  # a rate above which it is in the act band
    window_minutes: float = 60.0  # a streak this long without recovery: escalate
    monitor_minutes: float = 15.0  # shorter: monitor; from here to the window: tune retries

    def band(self, rate: float | None) -> str | None:
        if rate is None:
            return None
        return "act" if rate > self.act else "watch" if rate >= self.watch else "normal"

    def stage(self, minutes: float) -> str:
        if minutes >= self.window_minutes:
            return "escalate"
        if minutes >= min(self.monitor_minutes, self.window_minutes):
            return "tune-retries"
        return "monitor"

    def to_dict(self) -> dict[str, float]:
        """As the options take them (rates in percent), for a report's ``input``."""
        return {"watch_rate": round(100 * self.watch, 6), "act_rate": round(100 * self.act, 6),
                "window_minutes": self.window_minutes}

    def bands_text(self) -> str:
        """``under 1 % normal, 1-5 % watch, over 5 % act`` for these numbers."""
        watch, act = f"{100 * self.watch:g}", f"{100 * self.act:g}"
        return f"under {watch} % normal, {watch}-{act} % watch, over {act} % act"
