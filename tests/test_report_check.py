"""The text and Markdown renderers of ``triage check`` (report/sections/check.py, escalation*).

The report under test is assembled from what the real commands print: ``spf``,
``dkim``, ``dmarc``, ``rdns`` and ``dnsbl`` with ``--format json`` on the demo
zones, and ``deferrals`` on the real Postfix log. Only the verdict and the
overview rows (the work of ``check`` itself) are written here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from triage.cli import cli
from triage.findings import Finding, Severity, most_severe_first
from triage.report import markdown as markdown_render
from triage.report import text as text_render
from triage.report.markup import code, fenced
from triage.report.model import Report
from triage.report.sections import check

ROOT = Path(__file__).parent.parent
DEMO = ROOT / "fixtures" / "demo"
MAILLOG = ROOT / "fixtures" / "logs" / "postfix" / "maillog"
ZONE_FILES = ("example.com.zone", "example.net.zone", "2.0.192.in-addr.arpa.zone")
ZONES = ["--offline", *(x for z in ZONE_FILES for x in ("--zone", str(DEMO / z)))]
COMMON = ("schema_version", "tool", "generated_at", "command", "input", "findings", "dns")
REPRS = ("None", "True", "False", "['", "{'")
IP = "192.0.2.10"


def _run(*args: str) -> dict[str, Any]:
    out = CliRunner().invoke(cli, [*args, "--format", "json", "--fail-on", "never"])
    assert out.exit_code == 0, out.output
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def _body(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in COMMON}


def _overview(spf: Mapping[str, Any], rdns: Mapping[str, Any], dnsbl: Mapping[str, Any],
              deferrals: Mapping[str, Any]) -> list[dict[str, str]]:
    ms = deferrals["by_provider"]["microsoft-365"]
    listed = sum(1 for e in dnsbl["lists"] if e["status"] == "listed")
    return [
        {"check": "spf", "target": "example.com", "status": "pass",
         "evidence": f"{spf['result']} for {IP} ({spf['matched']}); "
                     f"{spf['tree_lookups']} of 10 lookups"},
        {"check": "dkim", "target": "example.com", "status": "pass",
         "evidence": "selector1: valid rsa 2048-bit"},
        {"check": "dmarc", "target": "example.com", "status": "pass",
         "evidence": "p=quarantine; SPF aligned, DKIM aligned"},
        {"check": "rdns", "target": IP, "status": "pass",
         "evidence": f"PTR {rdns['ptr'][0]}, forward-confirmed"},
        {"check": "helo", "target": "mail.example.com", "status": "pass",
         "evidence": "resolves to the IP, matches the PTR"},
        {"check": "dnsbl", "target": IP, "status": "pass",
         "evidence": f"listed on {listed} of {len(dnsbl['lists'])} lists"},
        {"check": "deferrals", "target": "microsoft-365", "status": "warn",
         "evidence": f"{100 * ms['deferral_rate']:.2f} % deferred ({ms['deferred']} of "
                     f"{ms['attempts']}), band {ms['band']}"},
    ]


def _finding(d: Mapping[str, Any]) -> Finding:
    return Finding(code=d["code"], severity=Severity(d["severity"]), check=d["check"],
                   message=d["message"], fix=d["fix"], evidence=d["evidence"],
                   refs=tuple(d["refs"]))


def outputs() -> dict[str, dict[str, Any]]:
    """What the real commands print (--format json) on the demo zones and the Postfix log."""
    return {
        "spf": _run("spf", "example.com", "--ip", IP, *ZONES),
        "dkim": _run("dkim", "example.com", "--selector", "selector1", *ZONES),
        "dmarc": _run("dmarc", "example.com", "--mail-from", "example.com", "--dkim-domain",
                      "example.com", *ZONES),
        "rdns": _run("rdns", IP, "--helo", "mail.example.com", *ZONES),
        "dnsbl": _run("dnsbl", IP, *ZONES),
        "deferrals": _run("deferrals", str(MAILLOG)),
    }


def assemble(out: Mapping[str, Mapping[str, Any]]) -> Report:
    """A check report from the commands' outputs, with a hand-written verdict and overview."""
    spf, dkim, dmarc, rdns, dnsbl, deferrals = (
        out[k] for k in ("spf", "dkim", "dmarc", "rdns", "dnsbl", "deferrals"))
    steps = ["Keep the mail queued and retry with backoff and jitter.",
             "Lower concurrency to Microsoft to 5 connections.",
             "Keep the mail queued and retry with backoff and jitter."]
    body = {
        "verdict": {"action": "wait", "summary": "Microsoft 365 is throttling a clean sender; "
                    "the deferrals are receiver-side pressure inside the escalation window.",
                    "reasons": ["deferrals.throttling", "deferrals.rate_act"], "steps": steps,
                    "rule": "wait.receiver-pressure", "inconclusive": [],
                    "provider": "microsoft-365"},
        "overview": _overview(spf, rdns, dnsbl, deferrals),
        "checks": {"spf": _body(spf), "dkim": _body(dkim), "dmarc": _body(dmarc),
                   "rdns": _body(rdns), "dnsbl": _body(dnsbl), "posture": None, "snds": None,
                   "ips": [{"ip": IP, "spf": _body(spf), "rdns": _body(rdns),
                            "dnsbl": _body(dnsbl)}]},
        "deferrals": _body(deferrals),
        "chart": None,
    }
    inputs = {"domain": "example.com", "ips": [IP], "helo": "mail.example.com",
              "helo_source": "given", "mail_from": "example.com", "selectors": ["selector1"],
              "deferrals": [str(MAILLOG)], "message": None}
    findings = [_finding(f) for d in (spf, dkim, dmarc, rdns, dnsbl, deferrals)
                for f in d["findings"]]
    return Report(command="check", input=inputs, body=body, findings=most_severe_first(findings),
                  generated_at=datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
                  dns={"queries": 12, "elapsed_ms": 1.5})


@pytest.fixture(scope="module")
def real() -> Report:
    return assemble(outputs())


def _with(report: Report, **changes: Any) -> Report:
    body = dict(report.body)
    body.update(changes)
    return Report(command="check", input=report.input, body=body, findings=report.findings,
                  generated_at=report.generated_at)


def _no_reprs(output: str) -> None:
    for bad in REPRS:
        assert bad not in output, f"{bad!r} in output"


# --- text ---------------------------------------------------------------------------------


def test_text_verdict_first_then_steps_then_table(real: Report) -> None:
    lines = text_render.render(real, width=80).splitlines()
    assert lines[0].startswith("VERDICT: WAIT — Microsoft 365 is throttling")
    assert lines.index("Next:") < next(i for i, line in enumerate(lines)
                                       if line.startswith("check "))
    header = next(line for line in lines if line.startswith("check "))
    assert header.split() == ["check", "target", "status", "evidence"]
    for name in ("spf", "dkim", "dmarc", "rdns", "helo", "dnsbl", "deferrals"):
        assert any(line.startswith(name + " ") for line in lines), name


def test_text_each_step_once_numbered(real: Report) -> None:
    out = text_render.render(real, width=80)
    assert out.count("Keep the mail queued and retry with backoff") == 1
    assert "  1. Keep the mail queued" in out and "  2. Lower concurrency" in out
    assert "  3. " not in out


@pytest.mark.parametrize("width", [60, 80, 100, 132])
def test_text_fits_the_width(real: Report, width: int) -> None:
    for line in text_render.render(real, width=width).splitlines():
        if len(line) > width:  # only a token that cannot be broken may stick out
            longest = max(len(token) for token in line.split())
            assert longest > width // 3, (width, line)


def test_text_each_fix_once_with_its_codes(real: Report) -> None:
    out = text_render.render(real, width=100)
    fixes = {f.fix for f in real.findings if f.fix}
    squashed = re.sub(r"\s+", " ", out)
    for fix in fixes:
        assert squashed.count(fix[:60]) == 1, fix[:60]
    rate_act = [f for f in real.findings if f.code == "deferrals.rate_act"]
    assert len(rate_act) > 1
    assert "fix for deferrals.rate_act:" in out
    messages = [line for line in out.splitlines() if line.startswith("  WARN  deferrals.rate_act:")]
    assert len(messages) == len(rate_act)  # every message still there, the fix once


def test_text_deferral_summary(real: Report) -> None:
    out = text_render.render(real, width=100)
    deferrals = real.body["deferrals"]
    assert f"{deferrals['totals']['attempts']} attempts" in out
    assert "38.73 %" in out and "act" in out
    assert "Retries: 62 deferred recipients" in out
    codes = next(line for line in out.splitlines() if line.startswith("count "))
    assert codes.split() == ["count", "reply", "token", "class", "provider"]
    assert "451 4.7.500  S77714" in out


def test_text_brief(real: Report) -> None:
    full = text_render.render(real, width=80)
    brief = text_render.render(real, width=80, brief=True)
    lines = brief.splitlines()
    assert lines[0] == full.splitlines()[0]
    assert "Next: Keep the mail queued and retry with backoff and jitter." in lines
    assert "Lower concurrency" not in brief
    assert any(line.startswith("check ") for line in lines)
    assert "Findings" not in brief and "Deferrals" not in brief
    assert len(lines) < len(full.splitlines()) // 3


def test_text_null_parts(real: Report) -> None:
    body = dict(real.body, deferrals=None, chart=None)
    body["verdict"] = dict(body["verdict"], steps=[], inconclusive=["dnsbl"])
    body["overview"] = [dict(r, evidence=None) for r in body["overview"]]
    out = text_render.render(_with(real, **body), width=80)
    assert "Deferrals: not checked" in out
    assert "Next: nothing to do." in out and "Could not check: dnsbl" in out
    _no_reprs(out)


# --- markdown -------------------------------------------------------------------------------


def test_markdown_escalation_sections(real: Report) -> None:
    md = markdown_render.render(real)
    first = md.splitlines()[0]
    assert first.startswith("# ") and "example.com" in first and IP in first
    assert "triage 0.1.0" in md or "triage " in md.splitlines()[2]
    for heading in ("## Verdict", "### Next steps", "## Checks", "## Sender authentication",
                    "### SPF", "### DKIM", "### DMARC", "### Reverse DNS and HELO",
                    "### DNS block lists", "## Deferrals", "### By provider",
                    "### Receiving hosts", "### Microsoft EOP forests",
                    "### Microsoft replies (full text)", "### Retries", "### Timeline",
                    "## Findings"):
        assert f"\n{heading}\n" in md, heading
    assert "**pass**" in md and "`mx`" in md  # SPF result and the matched term
    assert "`v=spf1 mx include:_spf.example.com include:spf.esp.example.net ~all`" in md
    assert "rsa 2048" in md and "p=quarantine" in md
    assert "| `mail.example.com` | yes |" in md  # PTR, FCrDNS
    assert "S77714" in md and "`contoso-com.mail.protection.outlook.com`" in md
    assert "`eop-nam12`" in md and "2026-11-23T11:23:42" in md
    assert "Signatures: not checked" in md
    _no_reprs(md)


def test_markdown_fixes_once(real: Report) -> None:
    from triage.report.markup import prose

    md = markdown_render.render(real)
    fixes = {f.fix for f in real.findings if f.fix}
    assert sum(1 for line in md.splitlines() if line.startswith("Fix: ")) == len(fixes)
    for fix in fixes:
        assert md.count(prose(fix)) == 1, fix[:60]
    assert md.count("### `deferrals.rate_act` (warning)") == 1  # one group for six findings


def test_markdown_null_sections_say_not_checked(real: Report) -> None:
    checks = {"spf": None, "dkim": None, "dmarc": None, "rdns": None, "dnsbl": None,
              "posture": None, "snds": None, "ips": []}
    md = markdown_render.render(_with(real, checks=checks, deferrals=None, overview=None))
    for heading in ("### SPF", "### DKIM", "### DMARC", "### Reverse DNS and HELO",
                    "### DNS block lists", "## Microsoft SNDS", "## Deferrals", "## Checks"):
        after = md.split(f"\n{heading}\n", 1)[1].lstrip("\n")
        assert after.startswith("Not checked"), heading
    _no_reprs(md)


def test_markdown_snds_rows() -> None:
    from triage.report.escalation import snds

    body = {"ip": IP, "rows": [{"ip": IP, "activity_start": "2026-11-22T00:00:00Z",
                                "activity_end": "2026-11-22T23:00:00Z", "rcpt_commands": 900,
                                "data_commands": 880, "message_recipients": 870,
                                "filter_result": "YELLOW", "complaint_rate": "< 0.1%",
                                "trap_hits": 0, "sample_helo": None,
                                "sample_mailfrom": "a@example.com"}],
            "blocked": []}
    md = "\n".join(snds(body))
    assert "**YELLOW**" in md and "\\< 0.1%" in md and "| 0 | — |" in md
    assert "Not in SNDS IP status" in md
    _no_reprs(md)


def test_markdown_chart_link(real: Report) -> None:
    md = markdown_render.render(_with(real, chart="out/deferrals chart.svg"))
    assert "`out/deferrals chart.svg`" in md
    assert "![Deferral rate per provider](out/deferrals%20chart.svg)" in md
    assert "(SVG" not in markdown_render.render(real)


HOSTILE = "451 4.7.500 Server busy ``` `tick` a|b | c [S77714] <script>"


def test_markdown_reply_with_backticks_and_pipes(real: Report) -> None:
    deferrals = json.loads(json.dumps(real.body["deferrals"]))
    deferrals["codes"][0]["sample"] = HOSTILE
    other = next(c for c in deferrals["codes"] if c["provider"] == "yahoo")
    other["sample"] = HOSTILE
    md = markdown_render.render(_with(real, deferrals=deferrals))
    block = fenced(HOSTILE)
    assert "\n".join(block) in md
    assert block[0] == "````text"  # longer than the ``` run inside
    assert code(HOSTILE, cell=True) in md
    row = next(line for line in md.splitlines() if line.startswith("|") and "tick" in line)
    assert row.replace("\\|", "").count("|") == 9  # 8 cells: no pipe leaked out of the span


def test_code_span_round_trips() -> None:
    for text in ("plain", "a `b` c", "``x``", "`lead", "trail`", "a|b"):
        span = code(text)
        ticks = len(span) - len(span.lstrip("`"))
        inner = span[ticks:-ticks]
        if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
            inner = inner[1:-1]
        assert inner == text
        assert "`" * ticks not in text


def test_no_python_reprs_in_any_format(real: Report) -> None:
    from triage.report import json_render

    for out in (text_render.render(real), text_render.render(real, brief=True),
                markdown_render.render(real)):
        _no_reprs(out)
    assert json.loads(json_render.render(real))["verdict"]["action"] == "wait"


def test_renders_a_saved_json_report_the_same(real: Report) -> None:
    from triage.report import json_render

    saved = json.loads(json_render.render(real))
    assert "\n".join(check.text(saved, width=90)) + "\n" == text_render.render(real, width=90)
    assert "\n".join(check.markdown(saved)) + "\n" == markdown_render.render(real)


def test_other_commands_unchanged(real: Report) -> None:
    rdns = Report(command="rdns", input={"ip": IP}, body=real.body["checks"]["rdns"],
                  findings=(), generated_at=real.generated_at)
    assert text_render.render(rdns).startswith("IP:      192.0.2.10\n")
    assert markdown_render.render(rdns).startswith("# triage rdns\n")



def test_prose_escapes_only_what_would_be_markup() -> None:
    from triage.report.markup import prose

    assert prose("Exim: * * F,1h,10m; max_parallel = 10") == "Exim: * * F,1h,10m; max_parallel = 10"
    assert prose("*.outlook.com -> <b>[x](y) a|b") == "\\*.outlook.com -> \\<b>\\[x\\](y) a\\|b"
    assert prose(None) == "—" and prose(True) == "yes" and prose(["a", "b"]) == "a, b"
