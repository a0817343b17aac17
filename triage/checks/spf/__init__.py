"""SPF (RFC 7208): record syntax, macros, check_host(), the include tree, lint.

    record.py  parse one record      macro.py   §7 macros
    limits.py  §4.6.4 budget          evaluate.py check_host()
    tree.py    include/redirect tree  lint.py    findings
    check.py   both together -> SpfResult (result.py)
"""

from triage.checks.spf.check import check_spf
from triage.checks.spf.identity import Identity, NoDomainError, identify
from triage.checks.spf.result import Outcome, SpfResult

__all__ = ["Identity", "NoDomainError", "Outcome", "SpfResult", "check_spf", "identify"]
