"""The docs are part of the contract: an undocumented command, option or finding code fails here."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from triage.cli import COMMANDS, cli

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
CHECKS = "spf|dkim|dmarc|rdns|helo|dnsbl|deferrals|snds|mtasts|tlsrpt|bimi|expect|verdict"
CODE = re.compile(rf"""["']((?:{CHECKS})\.[a-z0-9_]+)["']""")
# module names and similar dotted strings that are not finding codes
NOT_CODES = re.compile(r"\.(py|toml|json|md|zone)$")


def docs_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md"))


def available_commands() -> list[str]:
    ctx = click.Context(cli)
    return cli.list_commands(ctx)


def test_every_command_has_a_page() -> None:
    commands = available_commands()
    assert commands, "no command registered"
    for name in commands:
        assert (DOCS / "commands" / f"{name}.md").is_file(), f"docs/commands/{name}.md missing"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_is_documented(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert command is not None, f"{name} is not registered"
    page = (DOCS / "commands" / f"{name}.md").read_text(encoding="utf-8")
    common = (DOCS / "cli.md").read_text(encoding="utf-8")
    for param in command.params:
        if isinstance(param, click.Option):
            for opt in param.opts:
                if opt in ("-h", "--help"):
                    continue
                assert opt in page or opt in common, f"{name}: option {opt} is undocumented"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_commands_summary_is_a_whole_phrase(name: str) -> None:
    """``triage --help`` lists each command by the first sentence of its help, which
    click cuts at the first period: an "e.g." there leaves a summary that stops short."""
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help
    summary = command.get_short_help_str(limit=200)
    assert not re.search(r"\b(?:e\.g|i\.e|etc|cf)\.?$", summary), summary
    assert len(summary) >= 30, summary


def test_every_finding_code_in_the_code_is_documented() -> None:
    text = docs_text()
    codes: set[str] = set()
    for path in (ROOT / "triage").rglob("*"):
        if path.suffix not in (".py", ".toml", ".json"):
            continue
        for match in CODE.finditer(path.read_text(encoding="utf-8")):
            code = match.group(1)
            if not NOT_CODES.search(code) and not code.startswith(("dns.", "deferrals.parsers")):
                codes.add(code)
    assert codes, "no finding code found in the sources"
    missing = sorted(c for c in codes if f"`{c}`" not in text)
    assert not missing, f"finding codes not documented in docs/: {missing}"


def test_readme_opens_with_demo_and_test_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", readme, re.S)
    assert len(blocks) >= 2
    head = readme[: readme.index(blocks[1]) + len(blocks[1])]
    assert "--offline" in head or "demo" in head
    assert "pytest" in head


def test_every_docs_page_the_code_names_exists() -> None:
    """A comment or message that sends a reader to docs/… names a page that is there."""
    named = {m.group(0) for path in (ROOT / "triage").rglob("*.py")
             for m in re.finditer(r"docs/[\w/.-]+\.md", path.read_text(encoding="utf-8"))}
    assert named, "no docs page named in the code: the test would prove nothing"
    assert not [n for n in sorted(named) if not (ROOT / n).is_file()]
