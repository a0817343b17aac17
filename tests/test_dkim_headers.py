"""Authentication-Results (RFC 8601, Microsoft's compauth) and Microsoft's antispam stamps."""

from __future__ import annotations

from triage.checks.dkim.headers import (
    load_meanings,
    microsoft_summary,
    parse_authentication_results,
    parse_forefront,
    parse_scl,
)

MICROSOFT_AR = (
    "spf=fail (sender IP is 192.0.2.9) smtp.mailfrom=example.com; dkim=none (message not "
    "signed) header.d=none;dmarc=fail action=oreject header.from=example.com;"
    "compauth=fail reason=000"
)


def test_microsoft_results_have_no_authserv_id() -> None:
    parsed = parse_authentication_results(MICROSOFT_AR)
    assert parsed["authserv_id"] is None
    methods = {r["method"]: r for r in parsed["results"]}
    assert methods["spf"]["result"] == "fail"
    assert methods["spf"]["comment"] == "sender IP is 192.0.2.9"
    assert methods["spf"]["properties"] == {"smtp.mailfrom": "example.com"}
    assert methods["dmarc"]["properties"]["action"] == "oreject"
    assert (methods["compauth"]["result"], methods["compauth"]["reason"]) == ("fail", "000")


def test_standard_results_with_authserv_id_quotes_and_comments() -> None:
    value = ('mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b="ab;cd"; '
             'spf=pass (google.com: domain of a@example.com designates 192.0.2.1; x) '
             'smtp.mailfrom=a@example.com; dmarc=pass (p=REJECT sp=REJECT dis=NONE) '
             'header.from=example.com')
    parsed = parse_authentication_results(value)
    assert parsed["authserv_id"] == "mx.google.com"
    assert [r["method"] for r in parsed["results"]] == ["dkim", "spf", "dmarc"]
    assert parsed["results"][0]["properties"]["header.b"] == "ab;cd"
    assert "designates 192.0.2.1; x" in parsed["results"][1]["comment"]


def test_none_and_garbage_are_empty_not_errors() -> None:
    assert parse_authentication_results("example.org 1; none")["results"] == []
    assert parse_authentication_results(";;;(((")["results"] == []


def test_forefront_and_scl() -> None:
    ff = parse_forefront("CIP:192.0.2.9;CTRY:;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;"
                         "H:mail.example.com;PTR:;CAT:SPOOF;SFS:(13230040)(1);DIR:INB;")
    assert ff["SCL"] == "5" and ff["SFV"] == "SPM" and ff["CAT"] == "SPOOF"
    assert ff["SFS"] == "(13230040)(1)" and ff["CTRY"] == ""
    assert parse_scl(" -1 ") == -1 and parse_scl("9") == 9
    assert parse_scl("x") is None and parse_scl("99") is None


def test_microsoft_summary_explains_the_verdict() -> None:
    headers = {
        "authentication-results": [MICROSOFT_AR],
        "x-forefront-antispam-report": ["CIP:192.0.2.9;SCL:5;SFV:SPM;CAT:SPOOF;IPV:NLI;"],
        "x-ms-exchange-organization-scl": ["6"],
        "x-microsoft-antispam": ["BCL:7;"],
    }
    summary = microsoft_summary(lambda n: headers.get(n, []), load_meanings())
    assert summary is not None
    assert summary["scl"] == 6  # the organization header wins over the report's SCL
    assert summary["sfv"] == "SPM" and "spam" in summary["sfv_meaning"]
    assert summary["cat_meaning"].startswith("spoofing")
    assert summary["bcl"] == 7 and summary["cip"] == "192.0.2.9"
    assert summary["compauth"]["reason"] == "000"
    assert "explicit" in summary["compauth"]["meaning"]


def test_no_microsoft_headers_means_no_summary() -> None:
    assert microsoft_summary(lambda n: [], load_meanings()) is None
