"""``triage snds`` against recorded SNDS pages served over real HTTPS on loopback.

``snds.posture.test`` resolves to 127.0.0.1 through the real-DNS world; the server's
certificate comes from a test CA trusted through SSL_CERT_FILE. Each base path is one
behaviour of the service (good CSV, a sign-in page, HTTP 500, a redirect to another
host, an endless body, a hang, garbage). The key is a secret: every output of every
run is searched for it, and only the SNDS host may ever receive it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from webserver import Route, WebServer
from world import RunResult, World

from triage.checks.snds import sheets
from triage.checks.snds.key import SndsKey
from triage.errors import InputError
from triage.schema import load_schema


def valid(report: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(load_schema())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in validator.iter_errors(report)]

FIX = Path(__file__).parent.parent / "fixtures" / "snds"
KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
HOST = "snds.posture.test"
OTHER = "other.posture.test"
SIGN_IN = b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in to SNDS</body>"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    server = WebServer(tmp_path_factory.mktemp("snds"), (HOST, OTHER))
    w = server.web
    data, status = (FIX / "data.csv").read_bytes(), (FIX / "ipstatus.csv").read_bytes()
    csv = "text/plain; charset=utf-8"
    for page, body in (("data.aspx", data), ("ipStatus.aspx", status)):
        w.route(HOST, f"/ok/{page}", Route(body=body, content_type=csv))
        w.route(HOST, f"/html/{page}", Route(body=SIGN_IN, content_type="text/html"))
        w.route(HOST, f"/e500/{page}", Route(500, b"Internal Server Error"))
        w.route(HOST, f"/redirect/{page}", Route(302, b"", headers=(
            ("Location", f"https://{OTHER}:{w.port}/steal/{KEY}/{page}?key={KEY}"),)))
        w.route(HOST, f"/endless/{page}", Route(body=b"192.0.2.1," * 1_000_000,
                                                length=False, content_type=csv))
        w.route(HOST, f"/hang/{page}", Route(hang=True))
        w.route(HOST, f"/garbage/{page}", Route(body=b"\xff\xfe,,;;\r\nnot,a,row\r\n",
                                                content_type=csv))
        w.route(OTHER, f"/steal/{KEY}/{page}", Route(body=body))
    try:
        yield server
    finally:
        server.close()


def snds(world: World, web: WebServer, scenario: str, *args: str, fmt: str = "json",
         via_env: bool = True) -> RunResult:
    url = f"https://{HOST}:{web.web.port}/{scenario}/"
    env = {"SSL_CERT_FILE": str(web.web.ca_file)}
    key = [] if via_env else ["--snds-key", KEY]
    if via_env:
        env["TRIAGE_SNDS_KEY"] = KEY
    result = world.run(["snds", *args, *key, "--snds-url", url, "--format", fmt], env=env,
                       dns_timeout=1.0)
    assert KEY not in result.stdout and KEY not in result.stderr, "the key leaked"
    assert KEY.upper() not in result.stdout.upper()
    assert "Traceback" not in result.stderr, result.stderr
    if fmt == "json":
        assert valid(result.json()) == []
    return result


def codes(report: dict[str, Any]) -> set[str]:
    return {f["code"] for f in report["findings"]}


def test_rows_and_blocks_for_one_ip(world: World, web: WebServer) -> None:
    result = snds(world, web, "ok", "192.0.2.12", "--helo", "mail.example.com")
    report = result.json()
    assert result.code == 1
    assert [r["ip"] for r in report["rows"]] == ["192.0.2.12"]
    row = report["rows"][0]
    assert row["filter_result"] == "RED" and row["trap_hits"] == 40
    assert row["message_recipients"] == 9096 and row["complaint_rate"] == "2.1%"
    assert row["sample_helo"] == "vps-1234.hosting.example"
    assert report["blocked"] == [{"first_ip": "192.0.2.12", "last_ip": "192.0.2.12", "reason":
                                  "Blocked due to user complaints or other evidence of spamming"}]
    assert {"snds.red", "snds.traps", "snds.blocked", "snds.helo_mismatch"} <= codes(report)
    assert "snds.error" not in codes(report)
    seen = web.web.requests_to(HOST)
    assert {s.target.split("?")[0] for s in seen} >= {"/ok/data.aspx", "/ok/ipStatus.aspx"}
    assert all(s.target.endswith(f"?key={KEY}") for s in seen if s.target.startswith("/ok/"))


def test_every_row_without_an_ip(world: World, web: WebServer) -> None:
    report = snds(world, web, "ok", via_env=False).json()
    assert [r["filter_result"] for r in report["rows"]] == ["GREEN", "YELLOW", "RED"]
    assert len(report["blocked"]) == 2 and report["ip"] is None
    assert {"snds.yellow", "snds.red"} <= codes(report)


def test_green_ip_is_clean(world: World, web: WebServer) -> None:
    result = snds(world, web, "ok", "192.0.2.10", "--helo", "mail.example.com")
    assert result.code == 0 and codes(result.json()) == set()
    assert result.json()["blocked"] == []


def test_ip_without_data(world: World, web: WebServer) -> None:
    report = snds(world, web, "ok", "192.0.2.99").json()
    assert codes(report) == {"snds.no_data"}


@pytest.mark.parametrize(("scenario", "error"), [
    ("html", "not_csv"), ("e500", "http"), ("redirect", "redirect"), ("endless", "too_large"),
    ("hang", "timeout"), ("garbage", "not_csv")])
def test_unreadable_snds_is_inconclusive(world: World, web: WebServer, scenario: str,
                                         error: str) -> None:
    result = snds(world, web, scenario, "192.0.2.12")
    report = result.json()
    assert result.code == 1
    assert {p["error"] for p in report["pages"]} == {error}
    assert codes(report) == {"snds.error"}  # never green, never "not blocked"
    assert report["rows"] == [] and report["blocked"] == []
    for fmt in ("text", "markdown"):
        snds(world, web, scenario, "192.0.2.12", fmt=fmt)  # asserts the key is absent


def test_redirect_to_another_host_sends_it_nothing(world: World, web: WebServer) -> None:
    report = snds(world, web, "redirect").json()
    assert not web.web.requests_to(OTHER)
    assert OTHER not in web.web.connections
    details = " ".join(p["detail"] for p in report["pages"])
    assert OTHER in details and "[key]" in details


def test_bad_inputs_are_one_line_without_the_key(world: World, web: WebServer) -> None:
    for args in (["snds", "--snds-key", KEY + "\x1b;x"], ["snds", "not-an-ip", "--snds-key", KEY],
                 ["snds", "--snds-key", KEY, "--snds-url", f"http://{HOST}/?key={KEY}"],
                 ["snds", KEY, "--snds-key", KEY],
                 ["snds"]):
        result = world.run(args, env={"TRIAGE_SNDS_KEY": ""})
        assert result.code == 2, (args, result)
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
        assert KEY not in result.stderr and "Traceback" not in result.stderr


def test_key_never_shows_itself() -> None:
    key = SndsKey.parse(KEY)
    assert KEY not in f"{key} {key!r} {[key]}"
    assert key.scrub(f"https://x/{KEY.upper()}?key={KEY}") == "https://x/[key]?key=[key]"
    with pytest.raises(InputError) as caught:
        SndsKey.parse(KEY + " x")
    assert KEY not in str(caught.value)


def test_parser_reads_the_recorded_pages() -> None:
    data = sheets.data((FIX / "data.csv").read_bytes(), "text/plain")
    assert [r.filter_result for r in data.rows] == ["GREEN", "YELLOW", "RED"]
    assert data.unparsed == 0 and data.rows[0].sample_mailfrom == "bounce@example.com"
    status = sheets.ip_status((FIX / "ipstatus.csv").read_bytes(), None)
    assert [sheets.covers(b, "198.51.100.7") for b in status.blocked] == [False, True]
    assert not sheets.covers(status.blocked[1], "2001:db8::1")
    with pytest.raises(sheets.NotCsv):
        sheets.data(SIGN_IN, "text/plain")


# ---------------------------------------------------------------- folded into check

DEMO = [a for p in sorted((FIX.parent / "demo").glob("*.zone"))
        + sorted((FIX.parent / "dnsbl").glob("*.zone")) for a in ("--zone", str(p))]


@pytest.fixture(scope="module")
def sender_web(web: WebServer) -> WebServer:
    """SNDS pages about the demo sender 192.0.2.10: RED, blocked, unreadable."""
    w = web.web
    red = b"192.0.2.10,12/1/2026 12:00 AM,12/1/2026 11:59 PM,9120,9100,9096,RED,2.1%,,,0,,,\r\n"
    green = red.replace(b"RED", b"GREEN")
    block = b"192.0.2.0,192.0.2.15,Yes,Blocked due to user complaints or other evidence\r\n"
    for name, data, status in (("red10", red, b""), ("blocked10", green, block),
                               ("green10", green, b"")):
        w.route(HOST, f"/{name}/data.aspx", Route(body=data))
        w.route(HOST, f"/{name}/ipStatus.aspx", Route(body=status))
    return web


def check(world: World, web: WebServer, scenario: str, *extra: str,
          fmt: str = "json") -> RunResult:
    url = f"https://{HOST}:{web.web.port}/{scenario}/"
    env = {"SSL_CERT_FILE": str(web.web.ca_file), "TRIAGE_SNDS_KEY": KEY}
    result = world.run(["check", "example.com", "--ip", "192.0.2.10", *DEMO, "--snds-url", url,
                        "--format", fmt, *extra], env=env, dns_timeout=1.0)
    assert KEY not in result.stdout and KEY not in result.stderr, "the key leaked"
    assert "Traceback" not in result.stderr, result.stderr
    if fmt == "json":
        assert valid(result.json()) == []
    return result


@pytest.mark.parametrize(("scenario", "rules"), [
    ("red10", {"fix-sender.snds-red"}),
    ("blocked10", {"escalate.snds-blocked", "fix-sender.snds-blocked"}),
    ("hang", {"wait.inconclusive"}),
    ("green10", {"healthy", "wait.inconclusive"}),
])
def test_check_verdict_reads_snds(world: World, sender_web: WebServer, scenario: str,
                                  rules: set[str]) -> None:
    report = check(world, sender_web, scenario).json()
    verdict = report["verdict"]
    assert verdict["rule"] in rules, verdict
    snds_row = next(r for r in report["overview"] if r["check"] == "snds")
    assert report["checks"]["snds"] is not None
    if scenario in ("red10", "blocked10"):
        assert verdict["action"] != "wait"
        assert snds_row["status"] == "fail"
    if scenario == "hang":
        assert "snds" in verdict["inconclusive"] and snds_row["status"] == "inconclusive"
    if scenario == "green10":
        assert "192.0.2.10 GREEN" in snds_row["evidence"]


def test_escalation_package_shows_snds_evidence(world: World, sender_web: WebServer) -> None:
    check(world, sender_web, "blocked10", fmt="text")  # asserts the key is absent
    md = check(world, sender_web, "blocked10", fmt="markdown").stdout
    section = md.split("## Microsoft SNDS", 1)[1].split("\n## ", 1)[0]
    assert "**GREEN**" in section and "192.0.2.10" in section
    assert "Blocked: `192.0.2.0`–`192.0.2.15`" in section
    unread = check(world, sender_web, "html", fmt="markdown").stdout
    section = unread.split("## Microsoft SNDS", 1)[1].split("\n## ", 1)[0]
    assert "Not in SNDS IP status" not in section and "could not be read" in section
