"""The verdict's numbers: defaults from the Microsoft deferral playbook, overridable.

Rate bands (deferred / attempts per provider): under ``watch`` normal, ``watch`` to
``act`` watch, over ``act`` act (playbook §1). The escalation window: deferrals to
Microsoft repeated for ``window_minutes`` with no recovery (playbook §2). A class
dominates a provider's deferrals at ``dominance`` of them or more.
"""

from __future__ import annotations

from dataclasses import dataclass

MICROSOFT = ("microsoft-365", "outlook.com")


@dataclass(frozen=True)
class Policy:
    watch: float = 0.01
    act: float = 0.05
    window_minutes: float = 60.0
    dominance: float = 0.5

    def band(self, rate: float | None) -> str:
        if rate is None or rate < self.watch:
            return "normal"
        return "act" if rate > self.act else "watch"
