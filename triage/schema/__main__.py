"""``python -m triage.schema``: print the report's JSON Schema (to save or pipe)."""

from __future__ import annotations

import sys

from triage.schema import schema_text

if __name__ == "__main__":
    sys.stdout.write(schema_text())
