"""``triage deferrals`` and ``triage explain`` through the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from triage.cli import cli

LOGS = Path(__file__).parent.parent / "fixtures" / "logs"
S77714 = "451 4.7.500 Server busy. Please try again later. [S77714]"


def test_explain_text_and_json() -> None:
    text = CliRunner().invoke(cli, ["explain", S77714])
    assert text.exit_code == 0, text.output
    assert "throttling" in text.output and "Advice:" in text.output
    out = CliRunner().invoke(cli, ["explain", S77714, "--format", "json"])
    body = json.loads(out.output)
    assert body["command"] == "explain" and body["class"] == "throttling"
    assert body["findings"] == [] and body["enhanced"] == "4.7.500"
    assert (body["token"], body["provider"]) == ("S77714", "microsoft-365")


def test_explain_sanitizes_escapes() -> None:
    out = CliRunner().invoke(cli, ["explain", "451 4.7.500 busy \x1b[2J now"])
    assert "\x1b" not in out.output


def test_deferrals_json_report() -> None:
    out = CliRunner().invoke(cli, ["deferrals", str(LOGS / "postfix" / "maillog"),
                                   "--format", "json", "--fail-on", "never"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.output)
    for key in ("inputs", "totals", "by_class", "by_provider", "codes", "window", "scope",
                "retries", "timeline"):
        assert key in body
    assert body["codes"][0]["rule"]
    assert sum(b["delivered"] for b in body["timeline"]) == body["totals"]["delivered"]


def test_deferrals_exit_code_follows_findings() -> None:
    log = str(LOGS / "postfix" / "maillog")
    assert CliRunner().invoke(cli, ["deferrals", log]).exit_code == 1  # blocked: error
    ok = CliRunner().invoke(cli, ["deferrals", str(LOGS / "samples" / "sendgrid.json")])
    assert ok.exit_code == 0, ok.output


def test_no_dnspython_import() -> None:
    code = ("import sys; from triage.cli import cli\n"
            "try:\n cli.main(['explain', '452 4.3.1 x', '--format', 'json'],"
            " standalone_mode=False)\n"
            "except SystemExit: pass\n"
            "try:\n cli.main(['deferrals', sys.argv[1]], standalone_mode=False)\n"
            "except SystemExit: pass\n"
            "assert 'dns' not in sys.modules and 'dns.resolver' not in sys.modules, 'dns'\n")
    done = subprocess.run([sys.executable, "-c", code, str(LOGS / "samples" / "replies.txt")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_text_report_without_time_stamps_says_so(tmp_path: Path) -> None:
    sample = tmp_path / "replies.txt"
    sample.write_text(S77714 + "\n")
    result = CliRunner().invoke(cli, ["deferrals", str(sample)])
    assert "Window: no time stamps in the input" in result.output
    assert "None" not in result.output.splitlines()[1]


def test_deferrals_text_fits_the_terminal_and_says_each_fix_once() -> None:
    """At 80 columns no line is wider, except one that is a single unbreakable token
    (a long URL or host in a reply); a fix shared by findings is printed once."""
    for log in ("postfix", "m365-sustained", "m365-connlimit"):
        out = CliRunner().invoke(cli, ["deferrals", str(LOGS / log / "maillog"),
                                       "--fail-on", "never"], env={"COLUMNS": "80"})
        assert out.exit_code == 0, out.output
        lines = out.output.splitlines()
        assert lines[0] == "Deferrals:" and any(line.startswith("Findings") for line in lines)
        wide = [line for line in lines if len(line) > 80 and len(line.split()) > 1]
        assert wide == [], log
        fixes = [line.strip() for line in lines if line.strip().startswith("fix")]
        assert len(fixes) == len(set(fixes)), log
        replies = [line for line in lines if line.startswith("Replies, most frequent")]
        assert len(replies) == 1, log  # the replies once, with their samples


def test_explain_text_fits_80_columns_and_names_every_mtas_settings() -> None:
    """A reply on its own names no MTA: the fix gives all four MTAs' settings, wrapped."""
    reply = ("451 4.7.500 Server busy. Please try again later. [S77714] "
             "[BN8NAM12FT033.eop-nam12.prod.protection.outlook.com]")
    out = CliRunner().invoke(cli, ["explain", reply], env={"COLUMNS": "80"})
    assert out.exit_code == 0
    lines = out.output.splitlines()
    assert max(map(len, lines)) <= 80, [line for line in lines if len(line) > 80]
    fix = " ".join(line.strip() for line in lines[lines.index(next(
        line for line in lines if line.startswith("Fix: "))):]).split("Sources:")[0]
    assert all(f"{mta}:" in fix for mta in ("Postfix", "Exim", "PowerMTA", "KumoMTA"))
