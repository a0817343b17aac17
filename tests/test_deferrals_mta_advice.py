"""A class finding's fix names the settings of the MTA whose log was read, not of all
four; with raw replies (no MTA known) it names all of them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from triage.deferrals import analyse
from triage.deferrals.mtas import MTAS, mtas_of

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PREFIX = {"postfix": "Postfix:", "exim": "Exim:", "pmta": "PowerMTA:", "kumo": "KumoMTA:"}
CLASSES = ("deferrals.throttling", "deferrals.connection_limit")


def named(path: Path) -> dict[str, set[str]]:
    """Per class finding, the MTAs whose settings its fix names."""
    result = analyse([str(path)], NOW)
    return {f.code: {m for m, prefix in PREFIX.items() if prefix in f.fix}
            for f in result.findings if f.code in CLASSES}


@pytest.mark.parametrize(("path", "mta"), [
    (LOGS / "m365-connlimit" / "maillog", "postfix"),
    (LOGS / "exim" / "mainlog", "exim"),
    (LOGS / "samples" / "kumo.jsonl", "kumo"),
])
def test_the_fix_names_the_settings_of_the_mta_that_wrote_the_log(path: Path, mta: str) -> None:
    found = named(path)
    assert found and all(mtas == {mta} for mtas in found.values()), found


def test_raw_replies_name_every_mta(tmp_path: Path) -> None:
    replies = tmp_path / "replies.txt"
    replies.write_text("451 4.7.652 The mail server [198.51.100.7] has exceeded the maximum "
                       "number of connections. (S3115)\n"
                       "451 4.7.500 Server busy. Please try again later from "
                       "[198.51.100.7]. (S77714)\n")
    found = named(replies)
    assert set(found) == set(CLASSES) and all(m == set(MTAS) for m in found.values())


def test_mtas_of_keeps_the_print_order_and_falls_back_to_all() -> None:
    assert mtas_of(["kumo", "postfix", "postfix"]) == ("postfix", "kumo")
    assert mtas_of(["sendmail", "esp"]) == MTAS == mtas_of([])


def test_microsofts_connection_limit_advice_is_given_once() -> None:
    result = analyse([str(LOGS / "m365-connlimit" / "maillog")], NOW)
    fix = next(f.fix for f in result.findings if f.code == "deferrals.connection_limit")
    assert fix.count("under 25") == 1 and "25 -> 35 -> 50" in fix
