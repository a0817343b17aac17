"""``triage fleet``: many senders from one TOML file on one run context.

    positions.py  the line of every key in the file (tomllib keeps none)
    config.py     read and validate the file: FleetConfig, exit 2 with file:line:key
    expect.py     expectations over a sender's report: met or an ``expect.<key>`` finding
    run.py        every sender on one shared resolver stack, bounded, streamed
    line.py       one sender's JSON line (the ``check`` report plus ``sender``)
    summary.py    the table of every sender, worst first
    junit.py      JUnit XML: one testsuite per sender, spooled, written in file order
    outputs.py    where the lines go: JSONL, JUnit, GitHub annotations, progress

``triage merge`` reads the JSON lines of several shards back through summary.py and
junit.py, so its summary and JUnit are those of one unsharded run.
"""
