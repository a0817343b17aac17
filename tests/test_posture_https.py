"""``triage posture`` against the real-DNS world and a real HTTPS server on loopback.

Every ``mta-sts.<case>.posture.test`` resolves to 127.0.0.1 through the world's resolver
(fixtures/world/zones/posture.test.zone); the server presents certificates of a test CA
that the triage process trusts through SSL_CERT_FILE. Each case is one way a policy
host can go wrong (RFC 8461 §3.3): redirects (also to another host, which must get no
request), oversized and trickling bodies, a slow server within the deadline, a
certificate for another name or from an unknown CA, HTML, HTTP 500, a hang.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from webserver import Route, WebServer, free_port
from world import World

from triage.schema import load_schema

POLICY = "/.well-known/mta-sts.txt"
GOOD = (b"version: STSv1\r\nmode: enforce\r\nmx: mx1.good.posture.test\r\n"
        b"mx: *.good.posture.test\r\nmax_age: 1209600\r\n")
CASES = ("good", "mismatch", "testing", "redirect", "big", "slow", "trickle", "wrongname",
         "untrusted", "html", "e500", "hang", "binary", "invalid", "nottext")
TIMEOUT = "1"  # per query and connect; each HTTPS fetch completes within 2 s


def policy(case: str, body: bytes) -> bytes:
    return body.replace(b"good.posture.test", f"{case}.posture.test".encode())


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    names = tuple(f"mta-sts.{c}.posture.test" for c in CASES) + ("other.posture.test",
                                                                  "snds.posture.test")
    server = WebServer(tmp_path_factory.mktemp("web"), names,
                       wrong={"mta-sts.wrongname.posture.test": "somewhere.else.test"},
                       untrusted=("mta-sts.untrusted.posture.test",))
    w = server.web
    for case in ("good", "wrongname", "untrusted"):
        w.route(f"mta-sts.{case}.posture.test", POLICY, Route(body=policy(case, GOOD)))
    w.route("mta-sts.mismatch.posture.test", POLICY, Route(body=GOOD))  # patterns of "good"
    w.route("mta-sts.testing.posture.test", POLICY,
            Route(body=policy("testing", GOOD).replace(b"enforce", b"testing")
                  .replace(b"1209600", b"3600")))
    w.route("mta-sts.redirect.posture.test", POLICY, Route(
        301, b"", headers=(("Location", "https://other.posture.test/.well-known/mta-sts.txt"),)))
    w.route("other.posture.test", POLICY, Route(body=policy("redirect", GOOD)))
    w.route("mta-sts.big.posture.test", POLICY,
            Route(body=policy("big", GOOD) + b"x-pad: " + b"a" * 70_000 + b"\r\n"))
    w.route("mta-sts.slow.posture.test", POLICY, Route(body=policy("slow", GOOD), delay=1.2))
    w.route("mta-sts.trickle.posture.test", POLICY,
            Route(body=policy("trickle", GOOD), trickle=0.2))
    w.route("mta-sts.html.posture.test", POLICY, Route(
        body=b"<!doctype html><html><body>Sign in</body></html>", content_type="text/html"))
    w.route("mta-sts.e500.posture.test", POLICY, Route(500, b"oops\n"))
    w.route("mta-sts.hang.posture.test", POLICY, Route(hang=True))
    w.route("mta-sts.binary.posture.test", POLICY, Route(body=b"version: STSv1\n\xff\xfe\x1b[2J"))
    w.route("mta-sts.invalid.posture.test", POLICY,
            Route(body=b"version: STSv2\nmode: strict\nmax_age: 99999999999\n"))
    w.route("mta-sts.nottext.posture.test", POLICY,
            Route(body=policy("nottext", GOOD), content_type="application/octet-stream"))
    try:
        yield server
    finally:
        server.close()


def posture(world: World, web: WebServer, domain: str, *extra: str) -> tuple[int, Any, float]:
    env = {"SSL_CERT_FILE": str(web.web.ca_file), "TRIAGE_HTTPS_PORT": str(web.web.port)}
    start = time.monotonic()
    result = world.run(["posture", domain, "--format", "json", *extra], env=env,
                       dns_timeout=float(TIMEOUT))
    elapsed = time.monotonic() - start
    assert "Traceback" not in result.stderr, result.stderr
    report = result.json()
    assert valid(report) == []
    return result.code, report, elapsed


def valid(report: dict[str, Any]) -> list[str]:
    """The shipped schema's complaints about a real report (none expected)."""
    validator = Draft202012Validator(load_schema())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in validator.iter_errors(report)]


def codes(report: dict[str, Any]) -> set[str]:
    return {f["code"] for f in report["findings"]}


def test_good_policy_is_read_and_every_mx_is_covered(world: World, web: WebServer) -> None:
    code, report, _ = posture(world, web, "good.posture.test")
    sts = report["mta_sts"]
    assert sts["mode"] == "enforce" and sts["max_age"] == 1209600
    assert sts["mx"] == ["mx1.good.posture.test", "*.good.posture.test"]
    assert sts["unmatched"] == [] and sts["fetch"]["status"] == 200
    assert report["tls_rpt"]["rua"] == ["mailto:tlsrpt@good.posture.test"]
    assert report["bimi"]["logo"] == "https://good.posture.test/logo.svg"
    assert report["bimi"]["dmarc_policy"] == "reject"
    assert not {c for c in codes(report) if c.startswith(("mtasts.", "tlsrpt.", "bimi."))}
    assert code == 0
    seen = web.web.requests_to("mta-sts.good.posture.test")
    assert seen and all(s.sni == "mta-sts.good.posture.test" for s in seen)


def test_mx_outside_the_patterns_is_a_mismatch(world: World, web: WebServer) -> None:
    code, report, _ = posture(world, web, "mismatch.posture.test")
    assert "mtasts.mx_mismatch" in codes(report) and code == 1
    assert set(report["mta_sts"]["unmatched"]) == {"mx1.mismatch.posture.test",
                                                   "mx2.mismatch.posture.test"}


def test_testing_mode_and_short_max_age(world: World, web: WebServer) -> None:
    _, report, _ = posture(world, web, "testing.posture.test")
    assert {"mtasts.testing", "mtasts.max_age_short"} <= codes(report)
    assert report["mta_sts"]["mode"] == "testing"


def test_redirect_is_reported_and_never_followed(world: World, web: WebServer) -> None:
    before = len(web.web.requests_to("other.posture.test"))
    code, report, _ = posture(world, web, "redirect.posture.test")
    assert "mtasts.redirect" in codes(report) and code == 1
    assert report["mta_sts"]["fetch"]["location"] == \
        "https://other.posture.test/.well-known/mta-sts.txt"
    assert report["mta_sts"]["policy"] is None
    assert len(web.web.requests_to("other.posture.test")) == before  # no request at all
    assert "other.posture.test" not in web.web.connections


def test_oversized_policy_is_cut(world: World, web: WebServer) -> None:
    _, report, _ = posture(world, web, "big.posture.test")
    assert "mtasts.too_large" in codes(report)
    assert report["mta_sts"]["fetch"]["error"] == "too_large"


def test_slow_server_within_the_deadline_is_read(world: World, web: WebServer) -> None:
    _, report, _ = posture(world, web, "slow.posture.test")
    assert report["mta_sts"]["mode"] == "enforce", report["findings"]


def test_trickling_server_is_cut_at_the_deadline(world: World, web: WebServer) -> None:
    _, report, elapsed = posture(world, web, "trickle.posture.test")
    assert report["mta_sts"]["fetch"]["error"] == "timeout"
    assert "mtasts.policy_unavailable" in codes(report)
    assert elapsed < 10


def test_hang_is_cut_at_the_deadline(world: World, web: WebServer) -> None:
    _, report, elapsed = posture(world, web, "hang.posture.test")
    assert report["mta_sts"]["fetch"]["error"] == "timeout"
    assert elapsed < 10


@pytest.mark.parametrize("case", ["wrongname", "untrusted"])
def test_certificate_that_does_not_validate(world: World, web: WebServer, case: str) -> None:
    _, report, _ = posture(world, web, f"{case}.posture.test")
    assert "mtasts.cert_invalid" in codes(report)
    assert report["mta_sts"]["fetch"]["error"] == "tls"
    assert report["mta_sts"]["policy"] is None
    assert not [s for s in web.web.requests_to(f"mta-sts.{case}.posture.test")]


def test_untrusted_without_ssl_cert_file(world: World, web: WebServer, tmp_path: Path) -> None:
    """The test CA is trusted only through SSL_CERT_FILE: without it the good host fails."""
    empty = tmp_path / "none.pem"
    empty.write_text("")
    env = {"SSL_CERT_FILE": str(empty), "SSL_CERT_DIR": str(tmp_path),
           "TRIAGE_HTTPS_PORT": str(web.web.port)}
    result = world.run(["posture", "good.posture.test", "--format", "json"], env=env,
                       dns_timeout=1.0)
    assert "mtasts.cert_invalid" in codes(result.json())


@pytest.mark.parametrize(("case", "code"), [
    ("html", "mtasts.policy_invalid"), ("e500", "mtasts.policy_unavailable"),
    ("binary", "mtasts.policy_invalid"), ("invalid", "mtasts.policy_invalid"),
    ("nottext", "mtasts.content_type")])
def test_bad_policies(world: World, web: WebServer, case: str, code: str) -> None:
    _, report, _ = posture(world, web, f"{case}.posture.test")
    assert code in codes(report), report["findings"]


def test_records_without_https(world: World, web: WebServer) -> None:
    _, weak, _ = posture(world, web, "weak.posture.test")
    assert {"mtasts.missing", "tlsrpt.rua_invalid", "bimi.logo_invalid",
            "bimi.dmarc_not_enforced"} <= codes(weak)
    assert weak["mta_sts"]["fetch"] is None
    _, twice, _ = posture(world, web, "twice.posture.test")
    assert "mtasts.multiple_records" in codes(twice)
    _, badid, _ = posture(world, web, "badid.posture.test")
    assert "mtasts.record_invalid" in codes(badid)


def test_offline_sends_nothing(world: World, web: WebServer) -> None:
    zone = str(world.repo / "fixtures" / "world" / "zones" / "posture.test.zone")
    before = len(web.web.seen)
    result = world.run(["posture", "good.posture.test", "--zone", zone, "--offline",
                        "--format", "json"], nameservers=[],
                       env={"TRIAGE_HTTPS_PORT": str(web.web.port)})
    report = result.json()
    assert "mtasts.not_fetched" in codes(report)
    assert report["mta_sts"]["fetch"]["error"] == "offline"
    assert len(web.web.seen) == before


def test_no_address_and_refused_connection(world: World, web: WebServer) -> None:
    _, report, _ = posture(world, web, "noaddr.posture.test")
    assert report["mta_sts"]["fetch"]["error"] == "dns"
    assert "mtasts.policy_unavailable" in codes(report)
    closed = {"SSL_CERT_FILE": str(web.web.ca_file), "TRIAGE_HTTPS_PORT": str(free_port())}
    result = world.run(["posture", "good.posture.test", "--format", "json"], env=closed,
                       dns_timeout=1.0)
    fetch = result.json()["mta_sts"]["fetch"]
    assert fetch["error"] == "connect" and "refused" in fetch["detail"].lower()
    assert valid(result.json()) == []


def test_bad_https_port_hook_is_exit_2(world: World) -> None:
    result = world.run(["posture", "good.posture.test"], env={"TRIAGE_HTTPS_PORT": "x"})
    assert result.code == 2 and result.stdout == "" and "TRIAGE_HTTPS_PORT" in result.stderr
