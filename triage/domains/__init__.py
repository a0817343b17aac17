"""Domain knowledge every check shares, with no check of its own.

    names.py      one IDNA 2008 / UTS 46 conversion: what the user typed -> A-labels
    psl.py        the Public Suffix List (RFC 7489 Organizational Domain), one per run
    treewalk.py   the RFC 9989 DNS Tree Walk Organizational Domain
    alignment.py  DMARC identifier alignment (strict / relaxed), a pure rule

Nothing here imports ``triage.checks``; DKIM and DMARC both import from here, so
neither imports the other. Only ``treewalk.py`` asks DNS, through the resolver port.
"""
