"""The package people install: a free distribution name, the SPDX license with its file,
``py.typed``, an sdist without tests that cannot run outside the repository, and no
user-facing text that points at a file the wheel does not ship (``docs/…``)."""

from __future__ import annotations

import ast
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# "triage" on PyPI is an unrelated project (pip index versions triage: 6.0.0 and older)
TAKEN = {"triage"}


def test_distribution_name_is_ours_and_the_command_stays() -> None:
    project = PYPROJECT["project"]
    assert project["name"].lower() not in TAKEN
    assert project["scripts"] == {"triage": "triage.cli:main"}


def test_spdx_license_and_its_file() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"  # PEP 639 expression, not the deprecated table
    assert project["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY" in text
    setuptools = next(r for r in PYPROJECT["build-system"]["requires"] if "setuptools" in r)
    assert int(re.search(r">=(\d+)", setuptools).group(1)) >= 77  # type: ignore[union-attr]


def test_py_typed_ships() -> None:
    assert (REPO / "triage" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["triage"]


def test_sdist_holds_no_tests() -> None:
    manifest = (REPO / "MANIFEST.in").read_text(encoding="utf-8").splitlines()
    for folder in ("tests", "fixtures", "bench"):
        assert f"prune {folder}" in manifest


def _user_strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """String constants that are not docstrings (the only ones a user can see)."""
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant):
            docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            yield node.lineno, node.value


LOCAL_DOC = re.compile(r"(?<![\w/.-])docs/|(?<![\w/.-])[\w-]+\.md\b")


def _local(text: str) -> bool:
    """Names a repository file (URLs to other sites are fine)."""
    return LOCAL_DOC.search(re.sub(r"https?://\S+", "", text)) is not None


def _toml_strings(value: object, where: str) -> Iterator[tuple[str, str]]:
    """Every string of a data file but its source citations (files in other projects)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("source", "sources"):
                yield from _toml_strings(item, f"{where}:{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _toml_strings(item, where)


def test_no_output_names_a_docs_path() -> None:
    found = []
    for path in sorted((REPO / "triage").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, text in _user_strings(tree):
            # the reference notes cited in finding refs are named by title, not shipped
            # prose only (a message, a fix): a bare path constant belongs to a dev tool
            if " " in text.strip() and _local(text) and "playbook" not in text \
                    and "smtp-replies-and-logs" not in text:
                found.append(f"{path.relative_to(REPO)}:{line}: {text[:80]}")
    for path in sorted((REPO / "triage" / "data").glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for where, text in _toml_strings(data, path.name):
            if re.search(r"(?<![\w/.-])docs/", re.sub(r"https?://\S+", "", text)):
                found.append(f"{where}: {text[:80]}")
    assert not found, "user-facing text names a file the wheel does not ship:\n" + "\n".join(found)
