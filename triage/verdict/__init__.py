"""The verdict of ``triage check``: healthy, wait, fix-sender or escalate.

    policy.py   the numbers (bands, window, dominance) with their defaults
    signals.py  what the typed check results say, reduced to what the rules read
    rules.py    the ordered rule table (docs/verdict.md): the first match decides
    steps.py    the concrete next steps of each rule (texts in data/verdict.toml)
    decide.py   decide(signals, policy) -> Verdict: pure, no I/O
"""

from triage.verdict.decide import Verdict, decide
from triage.verdict.policy import Policy
from triage.verdict.signals import Signals, gather

__all__ = ["Policy", "Signals", "Verdict", "decide", "gather"]
