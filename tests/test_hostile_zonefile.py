"""``--zone`` loads at most MAX_BYTES and MAX_RECORDS, and refuses more (exit 2, one line)
in bounded time, whatever the file: $GENERATE of tens of millions, a huge file, a device."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.dns.zonefile import MAX_BYTES, MAX_RECORDS, load_zone

HEAD = ("$ORIGIN big.test.\n$TTL 300\n@ SOA ns.big.test. h.big.test. 1 3600 600 86400 300\n"
        "@ NS ns.big.test.\n")


def refused(path: Path, limit: float = 20.0) -> str:
    started = time.monotonic()
    with pytest.raises(ValueError) as caught:
        load_zone(path)
    assert time.monotonic() - started < limit
    return str(caught.value)


def test_generate_of_fifty_million_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "big.test.zone"
    path.write_text(HEAD + "$GENERATE 1-50000000 host-$ A 192.0.2.1\n")
    assert "more than" in refused(path, limit=2.0)


def test_generate_split_in_many_small_ranges(tmp_path: Path) -> None:
    path = tmp_path / "big.test.zone"
    path.write_text(HEAD + "".join(f"$generate {i * 1000}-{i * 1000 + 999} h{i}-$ A 192.0.2.1\n"
                                   for i in range(30)))
    assert f"more than {MAX_RECORDS} records" in refused(path)


def test_too_many_plain_records(tmp_path: Path) -> None:
    path = tmp_path / "big.test.zone"
    path.write_text(HEAD + "".join(f"h{i} A 192.0.2.1\n" for i in range(MAX_RECORDS + 10)))
    assert f"more than {MAX_RECORDS} records" in refused(path)


def test_a_file_over_the_byte_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.test.zone"
    path.write_text(HEAD + ";" + "x" * MAX_BYTES + "\n")
    assert "larger than" in refused(path, limit=2.0)


def test_an_endless_device() -> None:
    assert "larger than" in refused(Path("/dev/zero"), limit=5.0)


def test_within_the_limits_loads(tmp_path: Path) -> None:
    path = tmp_path / "big.test.zone"
    path.write_text(HEAD + "$GENERATE 1-500 h$ A 192.0.2.1\n")
    assert "h500.big.test" in load_zone(path).existing


def test_cli_refuses_with_exit_2_and_one_line(tmp_path: Path) -> None:
    path = tmp_path / "big.test.zone"
    path.write_text(HEAD + "$GENERATE 1-90000000 h$ TXT \"v=spf1 -all\"\n")
    started = time.monotonic()
    res = CliRunner().invoke(cli, ["spf", "big.test", "--zone", str(path), "--offline"])
    assert time.monotonic() - started < 5.0
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert res.output.startswith("triage: zone file") and res.output.count("\n") == 1
