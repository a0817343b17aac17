"""Fleet expectations: what a sender promises, checked against its ``check`` report.

Each expectation reads the report body (the contract's JSON, so it works on whatever
``check`` reports) and is met, or becomes an error finding ``expect.<key>`` with what
was expected, what was found and what to do. A value that could not be found (its
lookup failed) does not meet the expectation: unproven is not passed.

| key | value | met when |
|---|---|---|
| dmarc_policy_at_least | none, quarantine, reject | the DMARC policy is at least that |
| spf_tree_lookups_at_most | integer | the SPF include tree needs at most that many lookups |
| dkim_key_bits_at_least | integer | every valid DKIM key found has at least that many bits |
| fcrdns | true/false | every IP's forward-confirmed reverse DNS is (not) confirmed |
| dnsbl_listed | true/false | some IP is (not) listed on a DNSBL |
| spf_pass | true/false | SPF gives (not) pass for every IP |
| dmarc_rua | true/false | DMARC aggregate reports are (not) requested |
| verdict_in | array of actions | the verdict's action is one of them |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from triage.findings import Finding, Severity

POLICIES = ("none", "quarantine", "reject")
ACTIONS = ("healthy", "wait", "fix-sender", "escalate")
Body = Mapping[str, Any]


@dataclass(frozen=True)
class Outcome:
    key: str
    expected: Any
    actual: Any  # None: could not be found
    met: bool

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "expected": self.expected, "actual": self.actual,
                "met": self.met}


def _checks(body: Body) -> Mapping[str, Any]:
    checks = body.get("checks")
    return checks if isinstance(checks, Mapping) else {}


def _ips(body: Body) -> list[Mapping[str, Any]]:
    return [ip for ip in _checks(body).get("ips") or [] if isinstance(ip, Mapping)]


def _policy(body: Body) -> Any:
    return (_checks(body).get("dmarc") or {}).get("policy")


def _tree(body: Body) -> Any:
    return (_checks(body).get("spf") or {}).get("tree_lookups")


def _bits(body: Body) -> Any:
    keys = [s.get("key_bits") for s in (_checks(body).get("dkim") or {}).get("selectors") or []
            if s.get("status") == "valid" and isinstance(s.get("key_bits"), int)]
    return min(keys) if keys else None


def _fcrdns(body: Body) -> Any:
    values = [(ip.get("rdns") or {}).get("fcrdns") for ip in _ips(body)]
    return None if not values or None in values else all(values)


def _listed(body: Body) -> Any:
    states = [entry.get("status") for ip in _ips(body)
              for entry in (ip.get("dnsbl") or {}).get("lists") or []]
    if "listed" in states:
        return True
    return None if "error" in states or not states else False


def _spf_pass(body: Body) -> Any:
    results = [(ip.get("spf") or {}).get("result") for ip in _ips(body)]
    if not results or any(r in (None, "temperror") for r in results):
        return None
    return all(r == "pass" for r in results)


def _rua(body: Body) -> Any:
    dmarc = _checks(body).get("dmarc") or {}
    if dmarc.get("record") is None:
        return None if dmarc.get("policy") is None and "temperror" in str(dmarc) else False
    return bool((dmarc.get("tags") or {}).get("rua"))


def _verdict(body: Body) -> Any:
    return (body.get("verdict") or {}).get("action")


def _rank(values: tuple[str, ...]) -> Callable[[Any, Any], bool]:
    return lambda expected, actual: actual in values and values.index(actual) >= values.index(
        expected)


# key -> (read the actual value, is it met, what the value is)
RULES: dict[str, tuple[Callable[[Body], Any], Callable[[Any, Any], bool], str]] = {
    "dmarc_policy_at_least": (_policy, _rank(POLICIES), "the DMARC policy (p=)"),
    "spf_tree_lookups_at_most": (_tree, lambda e, a: a <= e,
                                 "the DNS lookups the SPF include tree needs"),
    "dkim_key_bits_at_least": (_bits, lambda e, a: a >= e, "the shortest valid DKIM key, in bits"),
    "fcrdns": (_fcrdns, lambda e, a: a == e, "whether every IP's reverse DNS is confirmed"),
    "dnsbl_listed": (_listed, lambda e, a: a == e, "whether an IP is listed on a DNSBL"),
    "spf_pass": (_spf_pass, lambda e, a: a == e, "whether SPF passes for every IP"),
    "dmarc_rua": (_rua, lambda e, a: a == e, "whether DMARC aggregate reports are requested"),
    "verdict_in": (_verdict, lambda e, a: a in e, "the verdict"),
}
FIXES = {
    "dmarc_policy_at_least": "Publish a DMARC record with a stronger p= once reports show "
                             "every legitimate source aligned.",
    "spf_tree_lookups_at_most": "Flatten or remove includes so the SPF tree needs fewer "
                                "lookups.",
    "dkim_key_bits_at_least": "Rotate to a longer DKIM key (RSA 2048 bits) under a new "
                              "selector.",
    "fcrdns": "Set the IP's PTR to a name whose A/AAAA record points back to the IP.",
    "dnsbl_listed": "Fix the cause of the listing, then request removal at the list's "
                    "delisting page.",
    "spf_pass": "Authorise every sending IP in the envelope domain's SPF record.",
    "dmarc_rua": "Add rua=mailto:... to the DMARC record to receive aggregate reports.",
    "verdict_in": "Follow the verdict's steps in this sender's report.",
}


def check_expectations(key: str, value: object) -> str | None:
    """Why ``value`` cannot be expected for ``key``, or None when it can."""
    if key not in RULES:
        return f"unknown expectation (known: {', '.join(sorted(RULES))})"
    if key == "dmarc_policy_at_least":
        return None if value in POLICIES else f"must be one of {', '.join(POLICIES)}"
    if key in ("spf_tree_lookups_at_most", "dkim_key_bits_at_least"):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        return None if ok else "must be a whole number, 0 or more"
    if key == "verdict_in":
        ok = isinstance(value, list) and bool(value) and all(v in ACTIONS for v in value)
        return None if ok else f"must be an array of {', '.join(ACTIONS)}"
    return None if isinstance(value, bool) else "must be true or false"


def evaluate(expect: tuple[tuple[str, Any], ...], body: Body) -> list[Outcome]:
    outcomes = []
    for key, expected in expect:
        read, met, _ = RULES[key]
        actual = read(body)
        outcomes.append(Outcome(key, expected, actual, actual is not None and met(expected,
                                                                                 actual)))
    return outcomes


def finding(outcome: Outcome) -> Finding:
    _, _, what = RULES[outcome.key]
    found = ("it could not be determined (a lookup failed)" if outcome.actual is None
             else f"found {_text(outcome.actual)}")
    relation = {"dmarc_policy_at_least": "at least ", "spf_tree_lookups_at_most": "at most ",
                "dkim_key_bits_at_least": "at least ", "verdict_in": "one of "}
    expected = relation.get(outcome.key, "") + _text(outcome.expected)
    return Finding(f"expect.{outcome.key}", Severity.ERROR, "expect",
                   f"Expectation {outcome.key} not met: {what} should be {expected}; {found}.",
                   FIXES[outcome.key],
                   {"expected": outcome.expected, "actual": outcome.actual})


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "none" if value is None else str(value)
