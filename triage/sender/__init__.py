"""``triage check``: every check for one sending domain and its IPs, the deferral
sample, and the verdict that joins them.

    request.py   validate the inputs (InputError before any query leaves)
    run.py       check_sender(ctx, request): all lookups in flight at once, logs read beside
    overview.py  one status row per check, for the table at the top of the report
    result.py    SenderResult: the typed results, the verdict, the contract's JSON
"""

from triage.sender.request import SenderRequest, request
from triage.sender.result import SenderResult
from triage.sender.run import check_sender

__all__ = ["SenderRequest", "SenderResult", "check_sender", "request"]
