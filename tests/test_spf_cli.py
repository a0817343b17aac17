"""``triage spf`` end to end on zone files: fields, exit codes, bad input, the tree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from triage.cli import cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "spf"
TREE = FIXTURES / "tree.spf.test.zone"
RFC = FIXTURES / "rfc.spf.test.zone"
FIELDS = {"domain", "ip", "sender", "helo", "result", "explanation", "matched", "record",
          "lookups", "tree_lookups", "tree"}


def run(*args: str, zone: Path = TREE, fmt: str = "json") -> tuple[int, Any]:
    res = CliRunner().invoke(
        cli, ["spf", *args, "--zone", str(zone), "--offline", "--format", fmt]
    )
    if fmt != "json" or res.exit_code == 2:
        return res.exit_code, res.output
    return res.exit_code, json.loads(res.output)


def codes(body: dict[str, Any]) -> list[str]:
    return [f["code"] for f in body["findings"]]


def test_contract_fields_and_pass() -> None:
    code, body = run("root.tree.spf.test", "--ip", "192.0.2.1")
    assert body.keys() >= FIELDS
    assert (body["result"], body["matched"]) == ("pass", "include:p1.tree.spf.test")
    assert body["lookups"] == {"dns": 3, "void": 0}
    assert body["tree_lookups"] == 9 and body["tree"]["lookups"] == 9
    assert "spf.lookup_near_limit" in codes(body) and "spf.include_missing" in codes(body)
    assert code == 1  # include_missing is an error


def test_tree_counts_per_subtree() -> None:
    _, body = run("root.tree.spf.test")
    tree = body["tree"]
    assert body["result"] is None and body["lookups"] is None
    assert [(c["domain"], c["lookups"], c["status"]) for c in tree["children"]] == [
        ("p1.tree.spf.test", 5, "ok"), ("p2.tree.spf.test", 0, "missing")
    ]
    assert [c["lookups"] for c in tree["children"][0]["children"]] == [1, 2]


def test_lookup_limit_static() -> None:
    _, body = run("eleven.tree.spf.test")
    assert body["tree_lookups"] == 12 and "spf.lookup_limit" in codes(body)


def test_loop_is_a_finding_and_a_permerror() -> None:
    code, body = run("loopa.tree.spf.test", "--ip", "192.0.2.9")
    assert body["result"] == "permerror" and code == 1
    assert {"spf.loop", "spf.permerror", "spf.lookup_limit"} <= set(codes(body))


def test_fifty_deep_chain_is_bounded() -> None:
    code, body = run("c0.tree.spf.test", "--ip", "192.0.2.50")
    assert body["result"] == "permerror" and body["lookups"]["dns"] == 11
    depth, node = 0, body["tree"]
    while node["children"]:
        node, depth = node["children"][0], depth + 1
    assert depth <= 13 and node["status"] == "truncated"


def test_control_characters_never_reach_the_terminal() -> None:
    code, out = run("ctrl.tree.spf.test", "--ip", "192.0.2.1", fmt="text")
    assert "\x1b" not in out and "\x07" not in out and "\\x1b" in out
    assert "result: permerror" in out and code == 1


def test_invalid_utf8_is_a_syntax_finding() -> None:
    code, body = run("utf8.tree.spf.test", "--ip", "192.0.2.1")
    assert body["result"] == "permerror" and "spf.syntax" in codes(body)


def test_record_too_long() -> None:
    _, body = run("long.tree.spf.test")
    assert "spf.record_too_long" in codes(body)


def test_pass_all_and_ptr() -> None:
    assert "spf.pass_all" in codes(run("passall.tree.spf.test")[1])
    assert "spf.ptr_mechanism" in codes(run("ptr.tree.spf.test")[1])


def test_macro_past_253_characters() -> None:
    local = ".".join(["x" * 60] * 3)
    code, body = run("--sender", f"{local}@longmacro.tree.spf.test", "--ip", "192.0.2.1")
    assert body["result"] == "permerror" and code == 1


def test_64k_txt(tmp_path: Path) -> None:
    chunk = " ".join(f"ip4:198.51.{i // 256}.{i % 256}" for i in range(3500))
    strings = " ".join(f'"{chunk[i:i + 250]}"' for i in range(0, len(chunk), 250))
    zone = tmp_path / "big.spf.test.zone"
    zone.write_text(
        "$ORIGIN big.spf.test.\n$TTL 60\n@ SOA ns h 1 1 1 1 1\n@ NS ns\n"
        f'@ TXT "v=spf1 " {strings} " -all"\n'
    )
    code, body = run("big.spf.test", "--ip", "198.51.13.171", zone=zone)
    assert body["result"] == "pass" and "spf.record_too_long" in codes(body)
    assert len(body["record"]) < 5000  # cut for the report, not for the evaluation


def test_missing_record() -> None:
    code, body = run("nothere.tree.spf.test", "--ip", "192.0.2.1")
    assert (body["result"], code) == ("none", 1)
    assert "spf.missing" in codes(body)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--sender", "", "--helo", "OEMCOMPUTER"], "none"),
        (["--sender", "foo@[192.0.2.1]"], "none"),
        (["--sender", "@ipass.rfc.spf.test"], "pass"),
        (["--sender", "Macro Error@ipass.rfc.spf.test"], "pass"),
        (["--sender", "x@" + "a" * 64 + ".rfc.spf.test"], "none"),
        (["--sender", "", "--helo", "ipass.rfc.spf.test"], "pass"),
    ],
)
def test_odd_smtp_identities_get_a_result(args: list[str], expected: str) -> None:
    code, body = run(*args, "--ip", "192.0.2.1", zone=RFC)
    assert body["result"] == expected


def test_explanation_in_json() -> None:
    _, body = run("exp.rfc.spf.test", "--ip", "192.0.2.99", zone=RFC)
    assert body["explanation"].startswith("192.0.2.99 is not one of")


@pytest.mark.parametrize(
    "args",
    [["example.com", "--ip", "not-an-ip"], ["example.com", "--ip", "fe80::1%eth0"], [],
     ["--sender", ""], ["--sender", "nodomain"]],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    res = CliRunner().invoke(cli, ["spf", *args, "--offline"])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_text_output_shows_result_and_tree() -> None:
    code, out = run("root.tree.spf.test", "--ip", "192.0.2.1", fmt="text")
    assert "result: pass" in out
    assert "├─ include:p1.tree.spf.test -> p1.tree.spf.test [5]" in out


def test_markdown_output() -> None:
    _, out = run("root.tree.spf.test", "--ip", "192.0.2.1", fmt="markdown")
    assert "## SPF" in out and "| result | **pass** |" in out


@pytest.mark.parametrize(("domain", "zone"), [
    ("root.tree.spf.test", TREE),
    ("example.com", Path(__file__).parent.parent / "fixtures" / "demo" / "example.com.zone"),
])
def test_text_fits_80_columns_and_keeps_every_record_whole(domain: str, zone: Path) -> None:
    code, out = run(domain, zone=zone, fmt="text")
    _, body = run(domain, zone=zone)
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    tree = lines[lines.index("Include tree (lookups per subtree):") + 1:]
    squashed = " ".join(" ".join(tree).replace("│", " ").replace("├─", " ")
                        .replace("└─", " ").split())

    def records(node: dict[str, Any]) -> list[str]:
        own = [node["record"]] if node.get("record") else []
        return own + [r for child in node.get("children") or [] for r in records(child)]

    found = records(body["tree"])
    assert len(found) >= 2
    for record in found:  # every record, word for word, in the wrapped tree
        assert " ".join(record.split()) in squashed, record
