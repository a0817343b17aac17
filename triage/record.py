"""``Record``: a frozen dataclass whose JSON shape is its fields, in declaration order.

Result types list their fields once; ``to_dict`` walks them, turning nested records,
tuples and mappings into JSON values. ``JSON_NAMES`` renames a field whose JSON key is
a Python keyword (``cls`` -> ``class``), ``JSON_OMIT`` leaves fields out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, ClassVar


class Record:
    JSON_NAMES: ClassVar[Mapping[str, str]] = {}
    JSON_OMIT: ClassVar[frozenset[str]] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        assert dataclasses.is_dataclass(self)
        return {self.JSON_NAMES.get(f.name, f.name): jsonable(getattr(self, f.name))
                for f in dataclasses.fields(self) if f.name not in self.JSON_OMIT}


def jsonable(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {k: jsonable(v) for k, v in value.items()}
    return value
