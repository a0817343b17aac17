"""Findings of the DMARC check.

Policy: a lookup that failed is ``dmarc.temperror`` and never ``dmarc.missing``;
``dmarc.missing`` needs every name that could hold the record to have answered.
The record judged is the one that governs the domain (its own, else the
Organizational Domain's), so a subdomain inherits its parent's findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from triage.checks.dmarc.alignment import Aligned, Alignment
from triage.checks.dmarc.record import bad_version, near_miss, with_version_fixed
from triage.checks.dmarc.reports import Auth, Destination
from triage.findings import Finding, Severity

if TYPE_CHECKING:
    from triage.checks.dmarc.check import Choice
    from triage.checks.dmarc.discovery import NameLookup

RFC9989 = "RFC 9989"
RFC7489_63 = "RFC 7489 §6.3"


def _f(code: str, severity: Severity, message: str, fix: str | None,
       evidence: dict[str, object], *refs: str) -> Finding:
    return Finding(code, severity, "dmarc", message, fix, evidence, refs)


def findings(domain: str, choice: Choice, policy: str | None,
             destinations: Sequence[Destination], alignment: Alignment,
             lookups: Sequence[NameLookup] = ()) -> list[Finding]:
    out = ignored(lookups, governed=choice.chosen is not None)
    out += _discovery(domain, choice, lookups)
    if choice.chosen is not None and choice.chosen.record is not None:
        out += _record(choice, policy)
        out += _destinations(destinations)
    out += _alignment(domain, alignment)
    return out


def discarded(text: str) -> tuple[str, str] | None:
    """Why receivers discard a TXT record meant as DMARC's, and what to publish instead;
    None when it is not one (RFC 7489 §6.6.3: records without a valid version are
    discarded; §6.4: the version value is case-sensitive)."""
    given = bad_version(text)
    if given is not None:
        fixed = with_version_fixed(text)
        rule = "is case-sensitive" if given.upper() == "DMARC1" else "has no space in it"
        return (f'its version is "v={given}", not exactly "v=DMARC1" (the value {rule})',
                f'Publish it with the version spelled exactly "v=DMARC1": "{fixed}".')
    if near_miss(text):
        return ('"v=DMARC1" is not followed by ";"', 'Separate the version and every tag '
                'with ";", e.g. "v=DMARC1; p=reject; rua=mailto:<reports address>".')
    return None


def ignored(lookups: Sequence[NameLookup], governed: bool = True) -> list[Finding]:
    """TXT records on the walk that were meant as DMARC records but are not (receivers
    discard them without a word, RFC 7489 §6.6.3): an error at the domain's own name, or
    anywhere when no other record governs the domain (``governed`` False)."""
    out = []
    for index, lookup in enumerate(lookups):
        for text in lookup.others:
            why = discarded(text)
            if why is None:
                continue
            severe = index == 0 or not governed
            then = "no DMARC policy comes from it" if severe else "it has no effect"
            out.append(_f("dmarc.syntax", Severity.ERROR if severe else Severity.WARNING,
                          f"receivers ignore the TXT record at {lookup.name}: {why[0]}, so "
                          f"{then}", why[1],
                          {"name": lookup.name, "txt": text,
                           "version": bad_version(text)},
                          "RFC 7489 §6.4", "RFC 7489 §6.6.3", RFC9989))
    return out


def _discovery(domain: str, choice: Choice, lookups: Sequence[NameLookup]) -> list[Finding]:
    out = []
    if choice.errors:
        names = [lk.name for lk in choice.errors]
        loop = any("loop" in lk.detail.lower() for lk in choice.errors)
        why = "a CNAME loop" if loop else "no answer (timeout or server failure)"
        out.append(_f("dmarc.temperror", Severity.WARNING,
                      f"the DMARC lookup of {', '.join(names)} failed ({why}): inconclusive",
                      "Fix the CNAME at _dmarc." if loop else "Run again; if it persists, "
                      "check the domain's DNS servers.",
                      {"lookups": [lk.evidence() for lk in choice.errors]}, "RFC 9989"))
    if choice.multiple is not None:
        lk = choice.multiple
        out.append(_f("dmarc.multiple_records", Severity.ERROR,
                      f"{lk.name} has {len(lk.records)} DMARC records: receivers ignore all "
                      "of them", "Publish exactly one TXT record starting with v=DMARC1.",
                      lk.evidence(), "RFC 7489 §6.6.3", RFC9989))
    if choice.chosen is None and choice.multiple is None and not choice.errors:
        out.append(_missing(domain, choice, lookups))
    elif choice.chosen is not None and choice.psl_view is not None \
            and choice.psl_view.domain != choice.chosen.domain:
        out.append(_disagreement(choice))
    return out


def _missing(domain: str, choice: Choice, lookups: Sequence[NameLookup]) -> Finding:
    """No record applies. When one was published but is discarded, say so and give its
    fix (the same text as its dmarc.syntax finding, so a plan lists it once)."""
    view = choice.psl_view
    others = list(view.others) if view else []
    for lookup in lookups:
        for text in lookup.others:
            why = discarded(text)
            if why is not None:
                return _f("dmarc.missing", Severity.ERROR,
                          f"no valid DMARC record for {domain} or its organizational domain, "
                          f"so no DMARC policy applies: receivers discard the record at "
                          f"{lookup.name}, {why[0]}", why[1],
                          {"other_txt": list(lookup.others), "discarded_at": lookup.name},
                          "RFC 7489 §6.6.3", RFC9989)
    hint = " (a TXT record there does not start with v=DMARC1)" if others else ""
    return _f("dmarc.missing", Severity.ERROR,
              f"no DMARC record for {domain} or its organizational domain{hint}",
              f'Publish TXT at _dmarc.{domain}: "v=DMARC1; p=none; rua=mailto:<reports '
              'address>", then move to quarantine or reject once reports are clean.',
              {"other_txt": others}, "RFC 7489 §6.6.3", RFC9989)


def _disagreement(choice: Choice) -> Finding:
    assert choice.chosen is not None and choice.psl_view is not None
    psl = choice.psl_view
    return _f("dmarc.discovery_disagreement", Severity.WARNING,
              f"RFC 9989 receivers use the record at {choice.chosen.name}, RFC 7489 (Public "
              f"Suffix List) receivers look at {psl.name} ({psl.state.value})",
              "Publish a record at the domain itself, so both kinds of receivers find it.",
              {"tree_walk": choice.chosen.evidence(), "psl": psl.evidence()}, RFC9989)


def _record(choice: Choice, policy: str | None) -> list[Finding]:
    assert choice.chosen is not None and choice.chosen.record is not None
    lk, rec = choice.chosen, choice.chosen.record
    ev: dict[str, object] = {"name": lk.name, "record": lk.records[0] if lk.records else None}
    out = []
    if rec.problems:
        out.append(_f("dmarc.syntax", Severity.ERROR,
                      f"the DMARC record at {lk.name} has errors: {'; '.join(rec.problems)}",
                      "Correct the record; receivers ignore or default the broken tags.",
                      {**ev, "problems": list(rec.problems)}, RFC7489_63, RFC9989))
    elif rec.p_missing:
        out.append(_f("dmarc.syntax", Severity.WARNING,
                      f"the DMARC record at {lk.name} has no p= tag: RFC 9989 receivers treat "
                      "it as p=none, RFC 7489 receivers may ignore it",
                      "Add p=none (or quarantine/reject).", ev, RFC7489_63, RFC9989))
    if rec.unknown:
        out.append(_f("dmarc.unknown_tag", Severity.INFO,
                      f"unknown tags are ignored: {', '.join(rec.unknown)}", None,
                      {**ev, "tags": list(rec.unknown)}, RFC9989))
    out += _policy(ev, rec.pct, rec.testing, policy)
    if rec.obsolete:
        out.append(_f("dmarc.obsolete_tag", Severity.INFO,
                      f"{', '.join(t + '=' for t in rec.obsolete)} removed by RFC 9989: "
                      "receivers following it ignore them",
                      "Drop them; use t=y instead of pct to test a policy.",
                      {**ev, "tags": list(rec.obsolete)}, RFC9989))
    if not rec.has_valid_rua():
        out.append(_f("dmarc.no_rua", Severity.WARNING,
                      "the DMARC record requests no aggregate reports (no valid rua=)",
                      "Add rua=mailto:<address> to see who sends as the domain.", ev,
                      "RFC 9990"))
    return out


def _policy(ev: dict[str, object], pct: int | None, testing: bool,
            policy: str | None) -> list[Finding]:
    out = []
    if policy == "none":
        out.append(_f("dmarc.policy_none", Severity.WARNING,
                      "the DMARC policy is none: monitoring only, spoofed mail is not stopped",
                      "Move to p=quarantine, then p=reject, once aggregate reports show all "
                      "legitimate mail passing.", ev, RFC9989))
    if (pct is not None and pct < 100) or testing:
        why = "t=y (test mode: receivers apply one level lower)" if testing else f"pct={pct}"
        out.append(_f("dmarc.partial", Severity.WARNING,
                      f"the DMARC policy is applied only partially: {why}",
                      "Remove t=y / pct once reports are clean.", {**ev, "pct": pct,
                                                                  "testing": testing},
                      RFC9989))
    return out


def _destinations(destinations: Sequence[Destination]) -> list[Finding]:
    out = []
    for dest in destinations:
        if dest.auth is Auth.UNAUTHORIZED:
            why, who = _outside(dest)
            out.append(_f("dmarc.rua_unauthorized", Severity.WARNING,
                          f"the report destination {dest.host} ({dest.tag}) has not authorized "
                          f"these reports (no v=DMARC1 record at {dest.name}); it is external "
                          f"{why}: {who}", _authorize(dest),
                          {**dest.to_dict(), "org_domain_psl": dest.org_domains[0],
                           "org_domain_tree_walk": dest.org_domains[1]},
                          "RFC 7489 §7.1", "RFC 9990"))
        elif dest.auth is Auth.TEMPERROR:
            out.append(_f("dmarc.temperror", Severity.WARNING,
                          f"the authorization lookup for report destination {dest.host} "
                          "failed: inconclusive", "Run again.", dest.to_dict(), "RFC 9990"))
    return out


def _authorize(dest: Destination) -> str:
    record = f'TXT "v=DMARC1" at {dest.name} (or *._report._dmarc.{dest.host})'
    if dest.external_by != ("tree_walk",):
        return f"Ask the operator of {dest.host} to publish {record}."
    psl = dest.org_domains[0]
    return (f"{dest.host} is in your organization by the Public Suffix List: publish {record} "
            f"for receivers on RFC 9989, or a DMARC record at _dmarc.{psl}, which makes {psl} "
            "the organizational domain under both rules (it then also governs the subdomains "
            f"of {psl} that have no record).")


def _outside(dest: Destination) -> tuple[str, str]:
    """Which rule made the destination external, and which receivers drop its reports."""
    psl, tree = dest.org_domains
    if dest.external_by == ("tree_walk",):
        return (f"by the RFC 9989 tree walk (organizational domain {tree}) but not by the "
                f"Public Suffix List (organizational domain {psl})",
                "receivers on RFC 9989 drop these reports; receivers still on RFC 7489 (PSL) "
                "send them anyway")
    if dest.external_by == ("psl",):
        return (f"by the Public Suffix List (organizational domain {psl}) but not by the RFC "
                f"9989 tree walk (organizational domain {tree})",
                "receivers still on RFC 7489 (PSL) drop these reports; receivers on RFC 9989 "
                "send them anyway")
    return ("by both the Public Suffix List and the RFC 9989 tree walk",
            "receivers drop these reports")


def _alignment(domain: str, alignment: Alignment) -> list[Finding]:
    states = (alignment.spf, alignment.dkim)
    if Aligned.ALIGNED in states or Aligned.UNALIGNED not in states:
        return []
    return [_f("dmarc.not_aligned", Severity.ERROR,
               f"neither SPF nor DKIM aligns with {domain}: DMARC fails for this mail",
               f"Use a Return-Path (envelope) domain under {domain}, or sign with "
               f"d={domain} (or a subdomain).", alignment.detail(), "RFC 7489 §3.1",
               RFC9989)]
