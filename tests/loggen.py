"""Postfix logs of any size from the benchmark's own (seeded) generator."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def generated_log(folder: Path, lines: int) -> Path:
    out = folder / "maillog"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "deferrals" / "make_log.py"),
            "--lines",
            str(lines),
            "--out",
            str(out),
        ],
        check=True,
    )
    return out
