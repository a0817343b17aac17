"""Microsoft SNDS (Smart Network Data Services) automated access (``triage snds``).

    key.py       the access key: a secret that no output, log or error may hold
    sheets.py    the two CSV pages (data.aspx, ipStatus.aspx) parsed, HTML refused
    result.py    SndsRow, BlockedRange, PageRead, SndsResult (the contract's JSON)
    findings.py  snds.red / yellow / traps / blocked / helo_mismatch / error / no_data
    check.py     fetch both pages through the run's fetcher, keep what covers the IPs
    entry.py     the registered check: Request, request(...), run(ctx, req)

Formats: smtp-replies-and-logs reference §6.4 (SNDS automated data access).
"""
