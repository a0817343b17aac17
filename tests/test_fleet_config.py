"""The fleet file: every mistake is exit 2 with the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.cli.fleet import shard_of
from triage.deferrals.thresholds import Thresholds
from triage.errors import InputError
from triage.fleet.config import load
from triage.fleet.positions import scan

GOOD = """\
# a fleet
[defaults]
selectors = ["s1", "s2"]
deferrals = ["logs/maillog"]
[defaults.expect]
dmarc_policy_at_least = "quarantine"
fcrdns = true

[[sender]]
domain = "a.example"
ips = [
  "192.0.2.10",   # first
  "2001:db8::10",
]
helo = "mail.a.example"

[[sender]]
name = "b-pool-2"
domain = "b.example"
ips = ["192.0.2.11"]
mail_from = "bounce.b.example"
selectors = ["k1"]
deferrals = []
[sender.expect]
dmarc_policy_at_least = "reject"
spf_tree_lookups_at_most = 8
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fleet.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_merges_defaults(tmp_path: Path) -> None:
    config = load(write(tmp_path, GOOD))
    a, b = config.senders
    assert (a.index, a.name, a.line, a.ips) == (0, "a.example", 9, ("192.0.2.10", "2001:db8::10"))
    assert a.selectors == ("s1", "s2")
    assert a.deferrals == (str(tmp_path / "logs/maillog"),)  # relative to the file
    assert dict(a.expect) == {"dmarc_policy_at_least": "quarantine", "fcrdns": True}
    assert (b.name, b.line, b.mail_from, b.selectors, b.deferrals) == (
        "b-pool-2", 17, "bounce.b.example", ("k1",), ())
    assert dict(b.expect) == {"dmarc_policy_at_least": "reject", "fcrdns": True,
                              "spf_tree_lookups_at_most": 8}
    assert a.thresholds == b.thresholds == Thresholds()  # none given: the playbook's


def test_thresholds_come_from_the_sender_then_the_defaults(tmp_path: Path) -> None:
    text = GOOD.replace('deferrals = ["logs/maillog"]',
                        'deferrals = ["logs/maillog"]\nact_rate = 30\nwindow = 90', 1)
    text = text.replace("deferrals = []", "deferrals = []\nact_rate = 8\nwatch_rate = 2", 1)
    a, b = load(write(tmp_path, text)).senders
    assert a.thresholds == Thresholds(0.01, 0.3, 90.0)
    assert b.thresholds == Thresholds(0.02, 0.08, 90.0)  # its own rates, the fleet's window


BAD = [
    # (replace this, with that, the line and words the error must name)
    ('helo = "mail.a.example"', 'helo = "mail.a.example"\ncolour = "red"',
     ":16:", ["#1", "colour", "unknown key"]),
    ('"192.0.2.10",   # first', '"192.0.2.300",', ":11:", ["#1", "ips", "192.0.2.300"]),
    ('ips = ["192.0.2.11"]', 'ips = "192.0.2.11"', ":20:", ["#2", "ips", "must be an array"]),
    ('name = "b-pool-2"\ndomain = "b.example"', 'domain = "a.example"', ":18:",
     ["#2", "domain", "duplicate", "line 9"]),
    ('name = "b-pool-2"', 'name = "a.example"', ":18:", ["#2", "name", "duplicate"]),
    ("spf_tree_lookups_at_most = 8", 'spf_tree_lookups_at_most = "8"', ":26:",
     ["#2", "expect.spf_tree_lookups_at_most", "whole number"]),
    ("fcrdns = true", "fcrdns = 1", ":7:", ["defaults.expect", "fcrdns", "true or false"]),
    ("fcrdns = true", "fcrdns = true\nspf_lookups = 3", ":8:", ["spf_lookups", "unknown"]),
    ('dmarc_policy_at_least = "reject"', 'dmarc_policy_at_least = "strict"', ":25:",
     ["#2", "quarantine"]),
    ('selectors = ["k1"]', 'selectors = ["bad selector"]', ":22:", ["#2", "selectors"]),
    ('mail_from = "bounce.b.example"', "mail_from = 7", ":21:", ["#2", "mail_from"]),
    ("[defaults]", "[default]", ":2:", ["default", "unknown key"]),
    ('deferrals = ["logs/maillog"]', 'deferrals = ["logs/maillog"]\nact_rate = nan', ":5:",
     ["[defaults]", "act_rate", "finite number, 0 to 100"]),
    ('deferrals = []', "deferrals = []\nwindow = 0.5", ":24:",
     ["#2", "window", "1 or more"]),
    ('deferrals = []', 'deferrals = []\nwatch_rate = "2"', ":24:", ["#2", "watch_rate"]),
    ('deferrals = []', "deferrals = []\nwatch_rate = 20\nact_rate = 10", ":25:",
     ["#2", "act_rate (10) must not be below watch_rate (20)"]),
]


@pytest.mark.parametrize(("old", "new", "line", "words"), BAD, ids=[b[1][:30] for b in BAD])
def test_a_config_error_names_file_line_and_key(tmp_path: Path, old: str, new: str, line: str,
                                                words: list[str]) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}{line}"), message
    for word in words:
        assert word in message, message
    result = CliRunner().invoke(cli, ["fleet", str(path), "--offline"])
    assert result.exit_code == 2
    assert result.output.startswith("triage: ") and "Traceback" not in result.output


@pytest.mark.parametrize("text", ["[[sender]\n", "", "[defaults]\nselectors = []\n",
                                  "[[sender]]\nips = ['192.0.2.1']\n"])
def test_broken_or_empty_files_are_exit_2(tmp_path: Path, text: str) -> None:
    result = CliRunner().invoke(cli, ["fleet", str(write(tmp_path, text)), "--offline"])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("triage: ")


@pytest.mark.parametrize("shard", ["0/3", "4/3", "1/0", "x", "1/2/3"])
def test_a_bad_shard_is_exit_2(tmp_path: Path, shard: str) -> None:
    result = CliRunner().invoke(cli, ["fleet", str(write(tmp_path, GOOD)), "--shard", shard])
    assert result.exit_code == 2 and "--shard" in result.output


def test_record_and_replay_exclude_each_other(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["fleet", str(write(tmp_path, GOOD)), "--record",
                                      str(tmp_path / "a"), "--replay", str(tmp_path / "b")])
    assert result.exit_code == 2 and "--record" in result.output


def test_shards_partition_the_file_in_order(tmp_path: Path) -> None:
    rows = "".join(f'[[sender]]\ndomain = "s{i}.example"\nips = ["192.0.2.{i + 1}"]\n'
                   for i in range(10))
    senders = load(write(tmp_path, rows)).senders
    shards = [[s.index for s in shard_of(senders, k, 3)] for k in (1, 2, 3)]
    assert shards == [[0, 3, 6, 9], [1, 4, 7], [2, 5, 8]]
    assert [s.index for s in shard_of(senders, 1, 1)] == list(range(10))


def test_positions_skip_multiline_arrays_and_strings() -> None:
    text = 'a = """\nb = 1\n"""\nc = [\n  "d = 2",\n]\n[[sender]]\ne = 3\n[[sender]]\ne = 4\n'
    found = scan(text)
    assert found.line("", -1, "a") == 1 and found.line("", -1, "c") == 4
    assert found.line("", -1, "b") is None and found.line("", -1, "d") is None
    assert found.line("sender", 0, "e") == 8 and found.line("sender", 1, "e") == 10
