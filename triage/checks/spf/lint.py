"""SPF findings: what the tree and the evaluation show, as stable contract codes.

The tree gives the static findings (every record a receiver may reach); the
evaluation gives the ones for this IP. A problem both see (a missing include
target, a syntax error) is reported once, with the tree's fuller evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from triage.checks.spf.evaluate import Evaluation
from triage.checks.spf.limits import MAX_DNS_TERMS, MAX_VOID, PermError
from triage.checks.spf.record import Kind, Qualifier
from triage.checks.spf.result import Outcome
from triage.checks.spf.tree import Node, NodeStatus
from triage.findings import Finding, Severity

RECORD_TOO_LONG = 450  # RFC 7208 §3.4: keep answers small enough for 512-byte UDP

_E, _W = Severity.ERROR, Severity.WARNING


def _f(code: str, sev: Severity, message: str, fix: str | None,
       evidence: dict[str, Any], *refs: str) -> Finding:
    return Finding(code, sev, "spf", message, fix, evidence, refs)


def findings(
    tree: Node, evaluation: Evaluation | None, ip: str | None, domain: str
) -> tuple[Finding, ...]:
    found = list(_root(tree))
    for node, path in tree.walk():
        found.extend(_node(node, path))
    found.extend(_counts(tree))
    evaluated_void = evaluation is not None and isinstance(evaluation.error, PermError) \
        and evaluation.error.code == "spf.void_lookup_limit"
    if not evaluated_void:  # the evaluation's own finding has the exact queries
        found.extend(_static_voids(tree, ip))
    if evaluation is not None and ip is not None:
        found.extend(_evaluation(evaluation, ip, domain, {f.code for f in found}))
    return tuple(found)


def _root(tree: Node) -> Iterator[Finding]:
    d = tree.domain
    if tree.status is NodeStatus.INVALID:
        yield _f("spf.missing", _W,
                 f"{d} is not a domain SPF can be checked for; the result is none", None,
                 {"domain": d, "reason": "malformed or single-label name"}, "RFC 7208 §4.3")
    elif tree.status is NodeStatus.MISSING:
        yield _f("spf.missing", _E, f"{d} publishes no SPF record",
                 f"publish a TXT record at {d}, e.g. \"v=spf1 mx -all\"",
                 {"domain": d, "answer": tree.detail}, "RFC 7208 §4.5")
    elif tree.status is NodeStatus.ERROR:
        yield _f("spf.temperror", _E, f"the SPF record of {d} could not be fetched ({tree.detail})",
                 "check the domain's name servers; retry later",
                 {"domain": d, "query": "TXT", "status": tree.detail}, "RFC 7208 §4.4")


def _node(node: Node, path: tuple[Node, ...]) -> Iterator[Finding]:
    d = node.domain
    parent = path[-1].domain if path else None
    if node.status is NodeStatus.MULTIPLE:
        yield _f("spf.multiple_records", _E, f"{d} publishes {len(node.records)} SPF records",
                 "merge them into one v=spf1 record", {"domain": d, "records": list(node.records)},
                 "RFC 7208 §4.5")
    if node.via is not None and node.status is NodeStatus.MISSING:
        yield _f("spf.include_missing", _E, f"{node.via} in {parent}: {d} has no SPF record",
                 f"remove {node.via} from {parent} or publish an SPF record at {d}",
                 {"domain": parent, "term": node.via, "target": d, "answer": node.detail},
                 "RFC 7208 §5.2", "RFC 7208 §6.1")
    if node.via is not None and node.status is NodeStatus.ERROR:
        yield _f("spf.temperror", _E,
                 f"the SPF record of {d} (via {node.via}) could not be fetched",
                 "retry later; check the name servers of " + d,
                 {"domain": parent, "term": node.via, "target": d, "status": node.detail},
                 "RFC 7208 §4.4")
    if node.status is NodeStatus.LOOP:
        yield _f("spf.loop", _E, f"{node.via} in {parent} loops back to {d}",
                 f"remove {node.via}; evaluation repeats until the 10-lookup limit (permerror)",
                 {"chain": node.detail.split(" -> "), "term": node.via}, "RFC 7208 §4.6.4")
    yield from _record_lint(node)


def _record_lint(node: Node) -> Iterator[Finding]:
    record, d = node.record, node.domain
    if record is None:
        return
    if record.errors:
        issues = [{"term": i.term, "reason": i.reason} for i in record.errors]
        first = record.errors[0]
        yield _f("spf.syntax", _E, f"the SPF record of {d} does not parse: {first.reason}",
                 f"fix or remove {first.term!r}",
                 {"domain": d, "record": record.text, "errors": issues},
                 "RFC 7208 §4.6", "RFC 7208 §12")
    if node.answer_bytes > RECORD_TOO_LONG:
        yield _f("spf.record_too_long", _W,
                 f"the TXT answer of {d} is {node.answer_bytes} bytes (over {RECORD_TOO_LONG})",
                 "shorten the record or move mechanisms into an included record",
                 {"domain": d, "bytes": node.answer_bytes}, "RFC 7208 §3.4")
    for mech in record.mechanisms:
        if mech.kind is Kind.ALL and mech.qualifier is Qualifier.PASS:
            yield _f("spf.pass_all", _E, f"{d} ends in {mech.raw!r}: any host may send as it",
                     "end the record with -all or ~all", {"domain": d, "term": mech.raw},
                     "RFC 7208 §5.1")
        if mech.kind is Kind.PTR:
            yield _f("spf.ptr_mechanism", _W,
                     f"{d} uses {mech.raw!r}, which RFC 7208 says not to use",
                     "replace ptr with ip4/ip6 or a mechanisms", {"domain": d, "term": mech.raw},
                     "RFC 7208 §5.5")


def _counts(tree: Node) -> Iterator[Finding]:
    total = tree.lookups
    evidence = {
        "tree_lookups": total,
        "limit": MAX_DNS_TERMS,
        "by_term": {c.via: c.lookups + 1 for c in tree.children if c.via is not None},
        "own": tree.own,
        "truncated": any(n.status is NodeStatus.TRUNCATED for n, _ in tree.walk()),
    }
    if total > MAX_DNS_TERMS:
        yield _f("spf.lookup_limit", _E,
                 f"the SPF tree of {tree.domain} needs {total} DNS lookups (limit {MAX_DNS_TERMS})",
                 "flatten includes into ip4/ip6 ranges or drop unused ones", evidence,
                 "RFC 7208 §4.6.4")
    elif total >= MAX_DNS_TERMS - 1:
        yield _f("spf.lookup_near_limit", _W,
                 f"the SPF tree of {tree.domain} needs {total} of {MAX_DNS_TERMS} DNS lookups",
                 "one more include breaks it: flatten or drop unused includes", evidence,
                 "RFC 7208 §4.6.4")


def _static_voids(tree: Node, ip: str | None) -> Iterator[Finding]:
    """More than 2 void lookups that every client (with ``ip``: this one) meets when it
    reaches them (RFC 7208 §4.6.4): a client that matches no earlier term gets permerror
    instead of fail."""
    if tree.void_lookups <= MAX_VOID:
        return
    static = [{"domain": n.domain, **v.to_dict()} for n, _ in tree.walk()
              for v in n.voids.static]
    depends = [{"domain": n.domain, **v.to_dict()} for n, _ in tree.walk()
               for v in n.voids.depends]
    by_domain: dict[str, list[str]] = {}
    for v in static:
        by_domain.setdefault(v["domain"], []).append(v["term"])
    where = "; ".join(f"{', '.join(terms)} in {d}" for d, terms in by_domain.items())
    yield _f("spf.void_lookup_limit", _E,
             f"the SPF tree of {tree.domain} has {tree.void_lookups} void lookups that "
             f"{'every client meets' if ip is None else ip + ' meets'} (limit {MAX_VOID}): "
             f"{where}; a client that matches no earlier term gets permerror, not fail",
             "remove the terms whose names have no address, MX or SPF record (or publish "
             "the records they expect)",
             {"tree_void_lookups": tree.void_lookups, "limit": MAX_VOID,
              "void_lookups": static, "client_dependent": depends}, "RFC 7208 §4.6.4")


def _evaluation(ev: Evaluation, ip: str, domain: str, seen: set[str]) -> Iterator[Finding]:
    err = ev.error
    detail = {"reason": err.reason, "term": err.term, "domain": err.domain} if err else {}
    if isinstance(err, PermError):
        if err.code == "spf.void_lookup_limit":
            voids = [q.to_dict() for q in ev.queries if q.void]
            yield _f("spf.void_lookup_limit", _E,
                     f"the evaluation met more than {MAX_VOID} void lookups (last: {err.term})",
                     "remove terms that point at names that do not exist",
                     {**detail, "void_lookups": voids}, "RFC 7208 §4.6.4")
        elif err.code == "spf.lookup_limit" and err.code not in seen:
            yield _f("spf.lookup_limit", _E,
                     f"the evaluation for {ip} reached an 11th DNS-querying term ({err.term})",
                     "flatten includes into ip4/ip6 ranges", detail, "RFC 7208 §4.6.4")
        elif err.code not in seen and err.code != "spf.permerror":
            yield _f(err.code, _E, f"{err.reason}", None, detail, "RFC 7208 §4.6")
        yield _f("spf.permerror", _E, f"SPF evaluation for {ip} ended in permerror: {err.reason}",
                 "fix the record; receivers treat permerror like a failure", detail,
                 "RFC 7208 §2.6.7")
    elif err is not None:
        yield _f("spf.temperror", _E, f"SPF evaluation for {ip} ended in temperror: {err.reason}",
                 "retry later; check the name servers involved", detail, "RFC 7208 §2.6.6")
    if ev.outcome not in (Outcome.PASS, Outcome.TEMPERROR):
        # a temperror proves nothing about the IP: spf.temperror says what happened
        yield _not_authorized(ev, ip, domain)


def _not_authorized(ev: Evaluation, ip: str, domain: str) -> Finding:
    how = f" (matched {ev.matched})" if ev.matched else ""
    return _f("spf.ip_not_authorized", _E,
              f"{ip} is not authorized by the SPF policy of {domain}: {ev.outcome.value}{how}",
              f"if {ip} sends mail for {domain}, add it to the record (ip4:/ip6: or the "
              "sending service's include)",
              {"ip": ip, "domain": domain, "result": ev.outcome.value, "matched": ev.matched,
               "explanation": ev.explanation}, "RFC 7208 §2.6", "RFC 7208 §4")
