"""triage/data: one loader for every packaged table, one regex compiler that names its source."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from triage import data
from triage.checks.rdns.generic import load_patterns

TABLES = sorted(p.name for p in resources.files("triage.data").iterdir()
                if p.name.endswith(".toml"))


@pytest.mark.parametrize("name", TABLES)
def test_every_table_loads_and_documents_itself(name: str) -> None:
    assert data.load(name)
    assert data.text(name).lstrip().startswith("#"), f"{name} has no schema comment on top"


@pytest.mark.parametrize("name", ["", "../pyproject.toml", "sub/x.toml", ".hidden", "nope.toml"])
def test_only_files_of_the_package_are_read(name: str) -> None:
    with pytest.raises(data.DataError):
        data.load(name)


def test_patterns_are_case_insensitive_by_default() -> None:
    (one, two) = data.compile_patterns(["busy", "x+"], file="f.toml", entry="e", key="k")
    assert one.search("Server BUSY") and two.fullmatch("XX")
    (exact,) = data.compile_patterns(["busy"], file="f.toml", entry="e", key="k", flags=0)
    assert exact.search("BUSY") is None


def test_a_bad_pattern_names_the_file_the_entry_and_the_key() -> None:
    with pytest.raises(data.PatternError) as caught:
        data.compile_patterns(["ok", "[unclosed"], file="f.toml", entry="e1", key="text")
    assert str(caught.value).startswith("f.toml: entry 'e1', key 'text': ")
    assert (caught.value.file, caught.value.entry, caught.value.key) == ("f.toml", "e1", "text")
    assert isinstance(caught.value.__cause__, re.error)
    with pytest.raises(data.PatternError, match="generic_ptr.toml: entry 'keyword\\[1\\]'"):
        load_patterns('[[keyword]]\npattern = "ok"\nmeaning = "m"\nsource = "s"\n'
                      '[[keyword]]\npattern = "(bad"\nmeaning = "m"\nsource = "s"\n')
