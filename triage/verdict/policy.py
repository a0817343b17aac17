"""The verdict's numbers: defaults from the Microsoft deferral playbook, overridable.

Rate bands (deferred / attempts per provider): under ``watch`` normal, ``watch`` to
``act`` watch, over ``act`` act (playbook §1). The escalation window: deferrals to
Microsoft repeated for ``window_minutes`` with no recovery (playbook §2). A class
dominates a provider's deferrals at ``dominance`` of them or more.
"""

from __future__ import annotations

from dataclasses import dataclass

from triage.deferrals.thresholds import Thresholds

MICROSOFT = ("microsoft-365", "outlook.com")


@dataclass(frozen=True)
class Policy:
    watch: float = Thresholds.watch
    act: float = Thresholds.act
    window_minutes: float = Thresholds.window_minutes
    dominance: float = 0.5

    @classmethod
    def of(cls, thresholds: Thresholds) -> Policy:
        """The verdict's numbers from the ones the deferrals were judged by."""
        return cls(watch=thresholds.watch, act=thresholds.act,
                   window_minutes=thresholds.window_minutes)

    def thresholds(self) -> Thresholds:
        """These numbers for the deferral analysis, so its bands, streaks and findings
        say what the verdict says."""
        return Thresholds(self.watch, self.act, self.window_minutes)

    def band(self, rate: float | None) -> str:
        return self.thresholds().band(rate) or "normal"
