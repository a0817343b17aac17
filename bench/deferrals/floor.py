"""What the least a CPython reader can do costs, beside ``grep -c``: the floor under
``triage deferrals`` on this machine.

Times whole processes (median of --repeat runs, stdout a pipe, page cache warm):

* ``grep -c ' status='`` on the benchmark log;
* ``python3 -c pass`` (interpreter start-up, ``site`` included);
* a Python reader that only reads the log in 1 MiB blocks and counts its lines;
* one that also finds every ``status=`` line with ``bytes.find`` and matches one small
  compiled pattern (time stamp, queue id, recipient, relay) at its start: the least work
  any analysis of the deliveries needs, with no counting, classifying or aggregating;
* the same reader split over two processes (fork, each half of the file), as
  ``triage deferrals`` does for a large log.

    python3 bench/deferrals/floor.py [--log /tmp/triage-bench-incident-log] [--repeat 7]

Prints one JSON object: seconds and the ratio to ``grep -c`` for each. The readers are
inline below (only the standard library), so the figures do not depend on triage.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

READ = """
import sys
n = 0
with open(sys.argv[1], "rb", buffering=0) as f:
    while block := f.read(1 << 20):
        n += block.count(b"\\n")
print(n)
"""

MATCH = r"""
import os, re, sys
HEAD = re.compile(rb"([A-Z][a-z][a-z] [ \d]\d \d\d:\d\d):\d\d (?:\S+ )?([\w./-]+)\[\d+\]: "
                  rb"([0-9A-Za-z]+: to=<[^>]*@([^>@]*))>,(?: orig_to=<[^>]*>,)? relay=([^,]*),")

def scan(fd, start, stop):
    lines = rows = 0
    rest = b""
    offset = start
    while offset < stop:
        block = os.pread(fd, min(1 << 20, stop - offset), offset)
        if not block:
            break
        offset += len(block)
        data = rest + block
        cut = data.rfind(b"\n") + 1
        rest, data = data[cut:], data[:cut]
        lines += data.count(b"\n")
        find, rfind, match = data.find, data.rfind, HEAD.match
        pos = 0
        while (i := find(b" status=", pos)) >= 0:
            start_of_line = rfind(b"\n", 0, i) + 1
            pos = find(b"\n", i)
            if match(data, start_of_line, i) is not None:
                rows += 1
    return lines, rows

fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
if sys.argv[2] == "1":
    print(*scan(fd, 0, size))
else:
    middle = size // 2
    seam = middle + os.pread(fd, 1 << 20, middle).find(b"\n") + 1
    r, w = os.pipe()
    if os.fork() == 0:
        os.write(w, b"%d %d" % scan(fd, seam, size))
        os._exit(0)
    os.close(w)
    a = scan(fd, 0, seam)
    b = [int(x) for x in os.read(r, 100).split()]
    os.wait()
    print(a[0] + b[0], a[1] + b[1])
"""


def median_seconds(cmd: list[str], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.PIPE)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--log", default="/tmp/triage-bench-incident-log")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    log = Path(args.log)
    if not log.exists():
        print(f"{log}: no such file; run bench/deferrals/run.py first (it writes it)",
              file=sys.stderr)
        return 2
    py = sys.executable
    commands = {
        "grep_c": ["grep", "-c", " status=", str(log)],
        "python_start": [py, "-c", "pass"],
        "read_count_lines": [py, "-c", READ, str(log)],
        "find_and_match_one_process": [py, "-c", MATCH, str(log), "1"],
        "find_and_match_two_processes": [py, "-c", MATCH, str(log), "2"],
    }
    for cmd in commands.values():  # warm the page cache and the interpreter's files
        subprocess.run(cmd, check=True, stdout=subprocess.PIPE)
    seconds = {name: median_seconds(cmd, args.repeat) for name, cmd in commands.items()}
    grep = seconds["grep_c"]
    print(json.dumps({
        "log_bytes": log.stat().st_size,
        "runs": args.repeat,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "ratio_to_grep_c": {k: round(v / grep, 1) for k, v in seconds.items()},
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
