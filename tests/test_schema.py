"""The shipped JSON Schema of the report: valid itself, met by every command's real output.

Every report below comes from the CLI (zone files and ``--offline``, log fixtures, bad
input, unreachable DNS); none is hand-written, so a field a command adds, drops or
retypes fails here until the schema (and docs/) say so.
"""

from __future__ import annotations

import copy
import gzip
import importlib.util
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from triage.cli import cli
from triage.schema import load_schema, schema_text

ROOT = Path(__file__).parent.parent
FIX = ROOT / "fixtures"
ZONES = FIX / "world" / "zones"
LOGS = FIX / "logs"
MESSAGES = FIX / "dkim" / "messages"
S77714 = "451 4.7.500 Server busy. Please try again later. [S77714]"
UNREACHABLE = ["--nameserver", "127.0.0.1:1", "--timeout", "0.2"]
RANK = {"error": 2, "warning": 1, "info": 0}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # what sanitize.clean never lets through


def zones(*paths: Path) -> list[str]:
    return [arg for p in paths for arg in ("--zone", str(p))] + ["--offline"]


DKIM = zones(ZONES / "dkim.test.zone", ZONES / "dkim.mail.microsoft.zone")
DMARC = zones(ZONES / "dmarc.test.zone", ZONES / "dmarcrpt.test.zone")
RDNS = zones(FIX / "rdns" / "2.0.192.in-addr.arpa.zone", FIX / "rdns" / "rdns.test.zone")
DNSBL = zones(*sorted((FIX / "dnsbl").glob("*.zone")))
SPF_TREE = zones(FIX / "spf" / "tree.spf.test.zone")
SPF_RFC = zones(FIX / "spf" / "rfc.spf.test.zone", FIX / "spf" / "2.0.192.in-addr.arpa.zone")
DEMO = zones(*sorted((FIX / "demo").glob("*.zone")), *sorted((FIX / "dnsbl").glob("*.zone")))

# (command, argv after the command name); every run must print a report
RUNS: list[tuple[str, list[str]]] = [
    ("dkim", ["good.dkim.test", *DKIM]),
    ("dkim", ["m365.dkim.test", *DKIM]),
    ("dkim", ["weak.dkim.test", *DKIM]),
    ("dkim", ["revoked.dkim.test", "--selector", "s1", *DKIM]),
    ("dkim", ["broken.dkim.test", *[a for s in ("s1", "s2", "s3", "s4")
                                   for a in ("--selector", s)], *DKIM]),
    ("dkim", ["testing.dkim.test", *DKIM]),
    ("dkim", ["ed.dkim.test", *DKIM]),
    ("dkim", ["none.dkim.test", *DKIM]),
    ("dkim", ["none.dkim.test", "--selector", "s1", *DKIM]),
    ("dkim", ["loop.dkim.test", *DKIM]),
    *[("dkim", ["good.dkim.test", "--selector", "google", "--message", str(MESSAGES / m), *DKIM])
      for m in ("good.eml", "tampered.eml", "esp-unaligned.eml", "two-signatures.eml",
                "no-key.eml", "unsigned.eml", "microsoft.eml", "m365.eml")],
    *[("dmarc", [f"{d}.dmarc.test", *DMARC])
      for d in ("reject", "sub.reject", "alias", "none", "missing", "multi", "syntax", "nop",
                "pct", "testmode", "unknown", "norua", "extok", "extno", "np", "ghost.np",
                "loop")],
    ("dmarc", ["reject.dmarc.test", "--mail-from", "other.dmarc.test", "--dkim-domain",
               "esp.example", *DMARC]),
    ("dmarc", ["strict.dmarc.test", "--mail-from", "bounce.strict.dmarc.test", *DMARC]),
    ("rdns", ["192.0.2.10", "--helo", "mail.rdns.test", *RDNS]),
    *[("rdns", [f"192.0.2.{n}", *RDNS]) for n in range(11, 19)],
    ("rdns", ["192.0.2.10", "--helo", "[192.0.2.10]", *RDNS]),
    ("rdns", ["192.0.2.11", "--helo", "elsewhere.rdns.test", *RDNS]),
    ("rdns", ["192.0.2.10", "--helo", "bad\x1b[2J.example", *RDNS]),
    *[("dnsbl", [target, *DNSBL]) for target in
      ("192.0.2.2", "192.0.2.3", "192.0.2.254", "192.0.2.99", "spammy.example", "2001:db8::1")],
    ("dnsbl", ["192.0.2.2", "--no-default-dnsbls", "--dnsbl", "bl.example.test", *DNSBL]),
    ("spf", ["root.tree.spf.test", "--ip", "192.0.2.1", *SPF_TREE]),
    ("spf", ["root.tree.spf.test", *SPF_TREE]),
    ("spf", ["eleven.tree.spf.test", *SPF_TREE]),
    ("spf", ["loopa.tree.spf.test", "--ip", "192.0.2.9", *SPF_TREE]),
    ("spf", ["c0.tree.spf.test", "--ip", "192.0.2.50", *SPF_TREE]),
    ("spf", ["passall.tree.spf.test", *SPF_TREE]),
    ("spf", ["nothere.tree.spf.test", "--ip", "192.0.2.1", *SPF_TREE]),
    ("spf", ["exp.rfc.spf.test", "--ip", "192.0.2.99", *SPF_RFC]),
    ("spf", ["--sender", "", "--helo", "OEMCOMPUTER", "--ip", "192.0.2.1", *SPF_RFC]),
    ("spf", ["--sender", "foo@[192.0.2.1]", "--ip", "192.0.2.1", *SPF_RFC]),
    *[("deferrals", [str(p)]) for p in (
        LOGS / "postfix" / "maillog", LOGS / "exim" / "mainlog",
        *sorted((LOGS / "samples").iterdir()))],
    ("deferrals", [str(LOGS / "samples" / "replies.txt"), str(LOGS / "samples" / "pmta.csv")]),
    *[("explain", [reply]) for reply in (
        S77714,
        "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. (S3140)",
        "452 4.3.1 Insufficient system resources",
        "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred",
        "host gmail-smtp-in.l.google.com[192.0.2.5] said: 421-4.7.28 rate limited "
        "(in reply to end of DATA command)",
        "connect to mx.down.example[127.0.0.18]:2525: Connection refused",
        "hello",
        "451 4.7.500 busy \x1b[2J now",
    )],
    ("explain", [S77714, "--host", "contoso-com.mail.protection.outlook.com",
                 "--domain", "contoso.com"]),
    ("check", ["example.com", "--ip", "192.0.2.10", *DEMO]),
    ("check", ["example.com", "--ip", "192.0.2.10", "--ip", "192.0.2.99", "--helo",
               "mail.example.com", "--selector", "selector1", *DEMO]),
    *[("check", ["example.com", "--ip", "192.0.2.10", "--deferrals", str(p), *DEMO])
      for p in (LOGS / "postfix" / "maillog", LOGS / "exim" / "mainlog",
                LOGS / "samples" / "replies.txt")],
    ("check", ["example.com", "--ip", "192.0.2.10", "--message", str(MESSAGES / "good.eml"),
               *DEMO]),
]

# DNS unreachable: every query fails; the report is still printed (exit 3)
UNREACHABLE_RUNS: list[tuple[str, list[str], Callable[[dict[str, Any]], bool]]] = [
    ("spf", ["example.com", "--ip", "192.0.2.1"], lambda r: r["result"] == "temperror"),
    ("dkim", ["example.com", "--selector", "s1", "--selector", "s2"],
     lambda r: {s["status"] for s in r["selectors"]} == {"temperror"}),
    ("dmarc", ["example.com"], lambda r: r["record"] is None
     and any(lk["state"] == "error" for lk in r["lookups"])),
    ("rdns", ["192.0.2.1", "--helo", "mail.example.com"], lambda r: r["fcrdns"] is None),
    ("dnsbl", ["192.0.2.1"], lambda r: {x["status"] for x in r["lists"]} == {"error"}),
    ("check", ["example.com", "--ip", "192.0.2.1"],
     lambda r: r["verdict"]["action"] == "wait" and "dkim" in r["verdict"]["inconclusive"]),
]


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def built(command: str) -> bool:
    return importlib.util.find_spec(f"triage.cli.{command}") is not None


def run(command: str, args: list[str], codes: tuple[int, ...] = (0, 1)) -> dict[str, Any]:
    assert built(command), f"triage.cli.{command} is missing"
    result = CliRunner().invoke(cli, [command, *args, "--format", "json"])
    assert result.exit_code in codes, (result.exit_code, result.stderr, result.output[-500:])
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def problems(validator: Draft202012Validator, report: dict[str, Any]) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
                  for e in validator.iter_errors(report))


def controls(value: Any, path: str = "") -> Iterator[str]:
    """Every string (key or value) of the report that holds a control character."""
    if isinstance(value, dict):
        for key, item in value.items():
            if CONTROL.search(key):
                yield f"{path}/{key!r}"
            yield from controls(item, f"{path}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from controls(item, f"{path}/{index}")
    elif isinstance(value, str) and CONTROL.search(value):
        yield f"{path}: {value[:80]!r}"


def assert_valid(validator: Draft202012Validator, report: dict[str, Any], command: str) -> None:
    assert report["command"] == command
    assert problems(validator, report) == []
    ranks = [RANK[f["severity"]] for f in report["findings"]]
    assert ranks == sorted(ranks, reverse=True), "findings are not most severe first"
    assert list(controls(report)) == [], "unsanitised text in the report"


# ---------------------------------------------------------------- the schema itself


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_loader_returns_the_shipped_file() -> None:
    shipped = ROOT / "triage" / "schema" / "report.schema.json"
    assert schema_text() == shipped.read_text(encoding="utf-8")
    assert load_schema() == json.loads(shipped.read_text(encoding="utf-8"))


def test_every_ref_resolves() -> None:
    schema = load_schema()
    text = json.dumps(schema)
    refs = {part.split('"')[0] for part in text.split('"$ref": "')[1:]}
    assert refs, "no $ref found"
    for target in refs:
        assert target.startswith("#/$defs/"), target
        assert target.removeprefix("#/$defs/") in schema["$defs"], target


def test_every_contract_command_has_a_branch() -> None:
    schema = load_schema()
    commands = schema["$defs"]["common"]["properties"]["command"]["enum"]
    branches = {b["if"]["properties"]["command"]["const"] for b in schema["allOf"]}
    assert set(commands) == branches
    registered = {"spf", "dkim", "dmarc", "rdns", "dnsbl", "deferrals", "explain"}
    assert registered <= branches


# ---------------------------------------------------------------- real output validates


@pytest.mark.parametrize(("command", "args"), RUNS,
                         ids=[f"{c}-{i}" for i, (c, _) in enumerate(RUNS)])
def test_real_report_validates(validator: Draft202012Validator, command: str,
                               args: list[str]) -> None:
    report = run(command, args)
    assert_valid(validator, report, command)


@pytest.mark.parametrize(("command", "args", "inconclusive"), UNREACHABLE_RUNS,
                         ids=[c for c, _, _ in UNREACHABLE_RUNS])
def test_unreachable_dns_report_validates(
    validator: Draft202012Validator, command: str, args: list[str],
    inconclusive: Callable[[dict[str, Any]], bool],
) -> None:
    report = run(command, [*args, *UNREACHABLE], codes=(3,))
    assert_valid(validator, report, command)
    assert inconclusive(report)
    assert report["dns"]["failed"] == report["dns"]["queries"] > 0


def test_bad_input_files_give_valid_deferrals_reports(
    validator: Draft202012Validator, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.log"
    binary.write_bytes(bytes(range(256)) * 8 + b"\n\x1b[2J\xff\xfe 451 4.7.500 x\n")
    truncated = tmp_path / "cut.gz"
    whole = gzip.compress((LOGS / "exim" / "mainlog").read_bytes())
    truncated.write_bytes(whole[: len(whole) // 2])
    for path in (empty, binary, truncated):
        report = run("deferrals", [str(path)])
        assert_valid(validator, report, "deferrals")
    assert report["inputs"][0]["error"], "the truncated gzip should say where it ended"


HOSTILE_ZONE = """\
$ORIGIN hostile.test.
$TTL 300
@ IN SOA ns.hostile.test. host.hostile.test. 1 3600 600 86400 300
@ IN NS ns.hostile.test.
@ IN TXT "v=spf1 include:x\\027[2J.hostile.test -all"
_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@hostile.test; zz=\\027[2Jbar"
s1._domainkey IN TXT "v=DKIM1; k=r\\027[2Jx; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu9B"
"""
KNOWN_UNSANITISED: dict[str, str] = {}


@pytest.mark.parametrize(("command", "args"), [
    ("dmarc", ["hostile.test"]),
    ("dkim", ["hostile.test", "--selector", "s1"]),
    ("spf", ["hostile.test", "--ip", "192.0.2.1"]),
    ("rdns", ["192.0.2.10", "--helo", "a\x1b[2J.hostile.test", *RDNS]),
])
def test_escape_sequences_from_dns_never_reach_the_report(
    validator: Draft202012Validator, tmp_path: Path, request: pytest.FixtureRequest,
    command: str, args: list[str],
) -> None:
    if command in KNOWN_UNSANITISED:
        request.applymarker(pytest.mark.xfail(reason=KNOWN_UNSANITISED[command], strict=True))
    zone = tmp_path / "hostile.test.zone"
    zone.write_text(HOSTILE_ZONE, encoding="ascii")
    report = run(command, [*args, "--zone", str(zone), "--offline"])
    assert_valid(validator, report, command)


# ---------------------------------------------------------------- the schema rejects


@pytest.fixture(scope="module")
def dkim_report() -> dict[str, Any]:
    return run("dkim", ["good.dkim.test", "--selector", "google", "--message",
                        str(MESSAGES / "tampered.eml"), *DKIM])


def mutated(report: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copied = copy.deepcopy(report)
    change(copied)
    return copied


DROP = object()  # _set(path, DROP) deletes the field


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change that sets (or, with DROP, deletes) the field at a /-separated path."""
    def change(report: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = report
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        index: Any = int(last) if isinstance(node, list) else last
        if value is DROP:
            del node[index]
        else:
            node[index] = value
    return change


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    return _set(path, DROP)


REJECTED: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("severity not in the enum", _set("findings/0/severity", "critical"), "findings/0/severity"),
    ("finding check not in the enum", _set("findings/0/check", "dkim2"), "findings/0/check"),
    ("finding without fix", _drop("findings/0/fix"), "findings/0"),
    ("finding with an extra field", _set("findings/0/score", 3), "findings/0"),
    ("malformed finding code", _set("findings/0/code", "DKIM Signature Invalid"),
     "findings/0/code"),
    ("selector status not in the enum", _set("selectors/0/status", "ok"), "selectors/0/status"),
    ("valid key with unknown type", _set("selectors/0/key_type", "dsa"),
     "selectors/0/key_type"),
    ("selector field missing", _drop("selectors/0/key_bits"), "selectors/0"),
    ("signature result not in the enum", _set("signatures/0/result", "neutral"),
     "signatures/0/result"),
    ("contract field missing", _drop("selectors"), ""),
    ("unknown top-level field on a settled command", _set("verdict", None), ""),
    ("wrong schema_version", _set("schema_version", 2), "schema_version"),
    ("generated_at not UTC", _set("generated_at", "2026-11-23T10:00:00+01:00"), "generated_at"),
    ("unknown command", _set("command", "dkmi"), "command"),
    ("dns missing on a DNS command", _drop("dns"), ""),
    ("tool name", _set("tool/name", "other"), "tool/name"),
]


@pytest.mark.parametrize(("why", "change", "where"), REJECTED, ids=[r[0] for r in REJECTED])
def test_schema_rejects(validator: Draft202012Validator, dkim_report: dict[str, Any], why: str,
                        change: Callable[[dict[str, Any]], None], where: str) -> None:
    assert problems(validator, dkim_report) == []
    assert dkim_report["findings"] and dkim_report["signatures"], "fixture lost its findings"
    found = problems(validator, mutated(dkim_report, change))
    assert found, f"accepted: {why}"
    assert any(p.startswith(f"{where or '(top)'}:") for p in found), found


@pytest.mark.parametrize(("command", "args", "path", "value"), [
    ("dmarc", ["reject.dmarc.test", *DMARC], "policy", "monitor"),
    ("dmarc", ["reject.dmarc.test", *DMARC], "alignment/spf", "pass"),
    ("rdns", ["192.0.2.10", *RDNS], "fcrdns", "yes"),
    ("dnsbl", ["192.0.2.2", *DNSBL], "lists/0/kind", "spam"),
    ("dnsbl", ["192.0.2.2", *DNSBL], "lists/0/codes", []),  # listed without a code
    ("spf", ["root.tree.spf.test", "--ip", "192.0.2.1", *SPF_TREE], "result", "ok"),
    ("spf", ["root.tree.spf.test", *SPF_TREE], "result", "pass"),  # no --ip: result is null
    ("spf", ["root.tree.spf.test", *SPF_TREE], "tree/children/0/lookups", -1),
    ("deferrals", [str(LOGS / "postfix" / "maillog")], "codes/0/class", "busy"),
    ("deferrals", [str(LOGS / "postfix" / "maillog")], "by_provider/hotmail",
     {"attempts": 1, "delivered": 1, "deferred": 0, "bounced": 0, "deferral_rate": 0.0}),
    ("deferrals", [str(LOGS / "postfix" / "maillog")], "by_class/slow", 3),
    ("deferrals", [str(LOGS / "postfix" / "maillog")], "totals/deferred", -1),
    ("explain", [S77714], "provider", "microsoft"),
    ("explain", [S77714], "enhanced", "4.7"),
])
def test_schema_rejects_wrong_values(validator: Draft202012Validator, command: str,
                                     args: list[str], path: str, value: Any) -> None:
    report = run(command, args)
    assert problems(validator, report) == []
    assert problems(validator, mutated(report, _set(path, value)))


@pytest.mark.parametrize(("command", "args", "field"), [
    ("spf", ["root.tree.spf.test", *SPF_TREE], "tree_lookups"),
    ("deferrals", [str(LOGS / "postfix" / "maillog")], "retries"),
    ("explain", [S77714], "class"),
])
def test_contract_fields_are_required_on_open_commands(
    validator: Draft202012Validator, command: str, args: list[str], field: str
) -> None:
    report = run(command, args)
    assert problems(validator, mutated(report, _drop(field)))
    extra = mutated(report, _set("added_later", {"any": "thing"}))
    assert problems(validator, extra) == [], "these commands' top level stays open"


# ---------------------------------------------------------------- check (contract only)


def test_check_branch_rejects_a_bad_verdict_and_stray_fields(
    validator: Draft202012Validator,
) -> None:
    """A real ``check`` report validates; each mutation of it must not."""
    report = run("check", ["example.com", "--ip", "192.0.2.10", "--deferrals",
                           str(LOGS / "samples" / "sendgrid.json"), *DEMO])
    assert problems(validator, report) == []
    assert problems(validator, {**report, "sender": "example.com"}) == []  # a fleet line
    assert problems(validator, mutated(report, _set("verdict/action", "panic")))
    assert problems(validator, mutated(report, _set("verdict/rule", "made-up")))
    assert problems(validator, mutated(report, _set("verdict/steps", [])))
    assert problems(validator, mutated(report, _set("checks/rdns/extra", 1)))
    assert problems(validator, mutated(report, _set("overview/0/status", "green")))
    assert problems(validator, mutated(report, _drop("checks/dmarc")))
    assert problems(validator, mutated(report, _drop("verdict/inconclusive")))
