"""The JSON Schema of the report (draft 2020-12), shipped as package data.

``report.schema.json`` describes what every command prints with ``--format json``:
the common fields, then each command's own fields chosen by ``command``. It is read
on each call (no module state); ``python -m triage.schema`` prints it.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "report.schema.json"


def schema_text() -> str:
    """The schema file as shipped, byte for byte (decoded as UTF-8)."""
    return resources.files(__name__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


def load_schema() -> dict[str, Any]:
    """The report schema as a dict, ready for ``jsonschema.Draft202012Validator``."""
    schema: dict[str, Any] = json.loads(schema_text())
    return schema
