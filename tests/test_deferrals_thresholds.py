"""--watch-rate, --act-rate and --window are the deferral analysis's numbers too: the
bands in the tables, the rate findings and their wording, the streaks and their stage,
``deferrals.sustained``, and, in ``check``, the verdict, all say the same thing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.deferrals.thresholds import Thresholds

ROOT = Path(__file__).parent.parent
SUSTAINED = str(ROOT / "fixtures" / "logs" / "m365-sustained" / "maillog")
DEMO_LOG = str(ROOT / "fixtures" / "demo" / "logs" / "maillog")
OFFLINE = ["--offline", *[a for p in sorted((ROOT / "fixtures" / "demo").glob("*.zone"))
                          + sorted((ROOT / "fixtures" / "dnsbl").glob("*.zone"))
                          for a in ("--zone", str(p))]]


def deferrals(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["deferrals", *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output[-400:]
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def codes(report: dict[str, Any]) -> list[str]:
    return [f["code"] for f in report["findings"]]


def test_the_defaults_are_the_playbooks() -> None:
    t = Thresholds()
    assert (t.watch, t.act, t.window_minutes) == (0.01, 0.05, 60.0)
    assert [t.band(r) for r in (None, 0.0099, 0.01, 0.05, 0.0501)] == [
        None, "normal", "watch", "watch", "act"]
    assert [t.stage(m) for m in (14.9, 15, 59.9, 60)] == [
        "monitor", "tune-retries", "tune-retries", "escalate"]
    assert t.bands_text() == "under 1 % normal, 1-5 % watch, over 5 % act"


def test_a_longer_window_keeps_a_72_minute_streak_short_of_escalation() -> None:
    default = deferrals(SUSTAINED)
    streak = default["by_provider"]["microsoft-365"]["streak"]
    assert streak["minutes"] > 60 and streak["stage"] == "escalate"
    assert "deferrals.sustained" in codes(default)
    longer = deferrals(SUSTAINED, "--window", "120")
    assert longer["by_provider"]["microsoft-365"]["streak"]["stage"] == "tune-retries"
    assert "deferrals.sustained" not in codes(longer)
    shorter = deferrals(SUSTAINED, "--window", "30")
    sustained = [f for f in shorter["findings"] if f["code"] == "deferrals.sustained"]
    assert sustained and "past the 30-minute escalation window" in sustained[0]["message"]


def test_the_bands_and_their_wording_follow_the_rates_given() -> None:
    default = deferrals(DEMO_LOG)  # Microsoft 365: 15 of 67 deferred, 22.39 %
    assert default["by_provider"]["microsoft-365"]["band"] == "act"
    wide = deferrals(DEMO_LOG, "--watch-rate", "10", "--act-rate", "30")
    assert wide["input"]["thresholds"] == {"watch_rate": 10, "act_rate": 30,
                                           "window_minutes": 60}  # what it was judged by
    assert wide["by_provider"]["microsoft-365"]["band"] == "watch"
    watch = [f for f in wide["findings"] if f["code"] == "deferrals.rate_watch"]
    assert "deferrals.rate_act" not in codes(wide) and len(watch) == 1
    assert watch[0]["message"].startswith("22.39 % of attempts to microsoft-365")
    assert "(under 10 % normal, 10-30 % watch, over 30 % act)" in watch[0]["message"]
    calm = deferrals(DEMO_LOG, "--watch-rate", "25", "--act-rate", "50")
    assert calm["by_provider"]["microsoft-365"]["band"] == "normal"
    # the 0.7 minutes are one 5-minute bucket at 22.4 %: under 25 %, no streak
    assert calm["by_provider"]["microsoft-365"]["streak"] is None
    assert not {"deferrals.rate_watch", "deferrals.rate_act"} & set(codes(calm))


def test_act_below_watch_is_exit_2_with_one_line() -> None:
    result = CliRunner().invoke(cli, ["deferrals", DEMO_LOG, "--watch-rate", "5",
                                      "--act-rate", "1"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "triage: --act-rate must not be below --watch-rate"]


@pytest.mark.parametrize("rates", [(), ("--watch-rate", "10", "--act-rate", "30"),
                                   ("--watch-rate", "25", "--act-rate", "50")])
def test_check_reports_the_bands_its_verdict_used(rates: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, ["check", "example.com", "--ip", "192.0.2.10", *OFFLINE,
                                      "--deferrals", DEMO_LOG, *rates, "--format", "json"])
    assert result.exit_code in (0, 1), result.output[-400:]
    r = json.loads(result.stdout)
    given = dict(zip(rates[::2], map(float, rates[1::2]), strict=True))
    assert r["input"]["thresholds"] == {"watch_rate": given.get("--watch-rate", 1.0),
                                        "act_rate": given.get("--act-rate", 5.0),
                                        "window_minutes": 60.0}
    band = r["deferrals"]["by_provider"]["microsoft-365"]["band"]
    expected = {(): "act", ("--watch-rate", "10", "--act-rate", "30"): "watch"}.get(
        rates, "normal")
    assert band == expected
    rate_codes = {f["code"] for f in r["findings"]} & {"deferrals.rate_watch",
                                                        "deferrals.rate_act"}
    assert rate_codes == ({"deferrals.rate_" + band} if band != "normal" else set())
    # a rate finding the verdict names is one the report has
    named = {c for c in r["verdict"]["reasons"] if c.startswith("deferrals.rate_")}
    assert named <= rate_codes


def test_the_healthy_step_names_the_bands_given() -> None:
    result = CliRunner().invoke(cli, ["check", "example.org", "--ip", "192.0.2.20", *OFFLINE,
                                      "--watch-rate", "2", "--act-rate", "8",
                                      "--format", "json"])
    r = json.loads(result.stdout)
    assert r["verdict"]["action"] == "healthy"
    assert any("under 2 %" in s and "2-8 % is the watch band, over 8 %" in s
               for s in r["verdict"]["steps"]), r["verdict"]["steps"]


def test_check_text_and_package_say_when_the_run_set_its_own_bands(tmp_path: Path) -> None:
    head = ["check", "example.com", "--ip", "192.0.2.10", *OFFLINE, "--deferrals", DEMO_LOG]
    default = CliRunner().invoke(cli, head).stdout
    assert "Bands:" not in default  # the playbook's: nothing to say
    text = CliRunner().invoke(cli, [*head, "--watch-rate", "10", "--act-rate", "30",
                                    "--window", "90"]).stdout
    bands = "  Bands:  under 10 % normal, 10-30 % watch, over 30 % act; escalation window"
    assert bands in text and "90.0 min (set for this run)" in text
    out = tmp_path / "package.md"
    CliRunner().invoke(cli, [*head, "--act-rate", "30", "--format", "markdown",
                             "--output", str(out)])
    assert ("- Bands: under 1 % normal, 1-30 % watch, over 30 % act; escalation window "
            "60.0 min (set for this run)") in out.read_text(encoding="utf-8")


def test_a_fleet_sender_is_judged_by_its_own_numbers(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.toml"
    fleet.write_text(f"""\
[defaults]
watch_rate = 10
act_rate = 30
deferrals = ["{DEMO_LOG}"]

[[sender]]
domain = "example.com"
ips = ["192.0.2.10"]

[[sender]]
name = "strict"
domain = "example.com"
ips = ["192.0.2.10"]
watch_rate = 1
act_rate = 5
""", encoding="utf-8")
    jsonl = tmp_path / "out.jsonl"
    result = CliRunner().invoke(cli, ["fleet", str(fleet), *OFFLINE, "--jsonl", str(jsonl)])
    assert result.exit_code in (0, 1), result.output[-400:]
    lines = {json.loads(line)["sender"]["name"]: json.loads(line)
             for line in jsonl.read_text(encoding="utf-8").splitlines()}
    fleetwide, strict = lines["example.com"], lines["strict"]
    assert fleetwide["input"]["thresholds"]["act_rate"] == 30
    assert fleetwide["deferrals"]["by_provider"]["microsoft-365"]["band"] == "watch"
    assert "deferrals.rate_watch" in codes(fleetwide)
    assert strict["deferrals"]["by_provider"]["microsoft-365"]["band"] == "act"
    assert "deferrals.rate_act" in codes(strict)


def test_deferrals_text_says_when_the_run_set_its_own_bands() -> None:
    default = CliRunner().invoke(cli, ["deferrals", DEMO_LOG]).stdout
    own = CliRunner().invoke(cli, ["deferrals", DEMO_LOG, "--window", "45"]).stdout
    assert "Bands:" not in default and default.startswith("Deferrals:")
    assert "  Bands:  under 1 % normal, 1-5 % watch, over 5 % act; escalation window 45.0" \
        " min (set for this run)" in own.replace("\n          ", " ")
