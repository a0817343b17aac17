"""Findings of the DKIM check, from the selector and signature verdicts.

Policy: a selector the user named (or a message used) that is missing, revoked
or broken is an error; a guessed one that is revoked is only a warning (old
keys are revoked after rotation). Missing guessed selectors are expected and
say nothing, unless every guess missed (``dkim.no_selector_found``). Lookup
failures are never reported as missing (``dkim.temperror``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from triage.checks.dkim.keyrecord import KeyStatus
from triage.checks.dkim.lookup import Origin, SelectorResult
from triage.checks.dkim.message import SignatureResult, SigResult
from triage.findings import Finding, Severity

RFC6376_KEY = "RFC 6376 §3.6.1"
RFC8301 = "RFC 8301 §3.2"
WEAK_BITS, GOOD_BITS, MAX_BITS = 1024, 2048, 4096


def _finding(code: str, severity: Severity, message: str, fix: str | None,
             evidence: Mapping[str, object], *refs: str) -> Finding:
    return Finding(code, severity, "dkim", message, fix, evidence, refs)


def selector_findings(results: Sequence[SelectorResult], guessed: bool) -> list[Finding]:
    out: list[Finding] = []
    for r in results:
        out.extend(_one_selector(r))
    failed = [r for r in results if r.status is KeyStatus.TEMPERROR]
    if failed:
        out.append(_finding(
            "dkim.temperror", Severity.WARNING,
            f"the key lookup failed for {len(failed)} selector(s): inconclusive, not missing",
            "Run again; if it persists, check the DNS servers of the domain.",
            {"selectors": {r.selector: r.dns_detail or r.dns_status for r in failed}},
        ))
    present = [r for r in results if r.status not in (KeyStatus.MISSING, KeyStatus.TEMPERROR)]
    if guessed and not present and not failed:
        out.append(_no_selector(results))
    return out


def _no_selector(results: Sequence[SelectorResult]) -> Finding:
    return _finding(
        "dkim.no_selector_found", Severity.WARNING,
        f"none of the {len(results)} selectors tried has a DKIM key; selectors cannot be "
        "listed from DNS, so the domain may still sign with another one",
        "Find the selector in the s= tag of the DKIM-Signature header of a message the "
        "domain sent (or in the sending service's DNS settings) and run again with "
        "--selector S, or pass the message with --message FILE.eml.",
        {"tried": [r.selector for r in results]},
        "RFC 6376 §3.1",
    )


def _one_selector(r: SelectorResult) -> list[Finding]:
    named = r.origin is not Origin.BUILTIN
    ev: dict[str, object] = {"selector": r.selector, "name": r.name, "record": r.key.record,
                             "cname_chain": list(r.cname_chain)}
    if r.status is KeyStatus.MISSING and r.origin is Origin.GIVEN:
        return [_finding("dkim.key_missing", Severity.ERROR,
                         f"selector {r.selector} has no DKIM key at {r.name}",
                         "Publish the key (or the CNAME your mail service gives you) at "
                         f"{r.name}.", {**ev, "why": r.key.problem}, RFC6376_KEY)]
    if r.status is KeyStatus.MISSING and r.cname_chain:
        return [_finding("dkim.cname_dangling", Severity.WARNING,
                         f"selector {r.selector} is a CNAME to {r.cname_chain[-1]}, "
                         "which has no key",
                         "Enable DKIM signing at the service the CNAME points to (Microsoft 365 "
                         "publishes the target only once DKIM is enabled), or remove the CNAME.",
                         ev, RFC6376_KEY)]
    if r.status is KeyStatus.REVOKED:
        return [_finding("dkim.key_revoked", Severity.ERROR if named else Severity.WARNING,
                         f"selector {r.selector} is revoked (empty p=)",
                         "Sign with a selector that has a key, or publish the key again.",
                         ev, RFC6376_KEY)]
    if r.status is KeyStatus.INVALID:
        return [_finding("dkim.key_invalid", Severity.ERROR,
                         f"the key record of selector {r.selector} is invalid: {r.key.problem}",
                         "Publish the record exactly as the signing system generated it "
                         "(v=DKIM1; k=rsa; p=<base64 public key>).", ev, RFC6376_KEY)]
    if r.status is KeyStatus.VALID:
        return _valid_key(r, ev)
    return []


def _valid_key(r: SelectorResult, ev: dict[str, object]) -> list[Finding]:
    out = []
    bits = r.key.key_bits or 0
    if r.key.key_type == "rsa" and bits < GOOD_BITS:
        weak = bits < WEAK_BITS
        out.append(_finding(
            "dkim.key_weak", Severity.ERROR if weak else Severity.WARNING,
            f"selector {r.selector} has a {bits}-bit RSA key"
            + (": verifiers must reject keys under 1024 bits" if weak else
               "; 2048 bits is recommended"),
            "Generate a 2048-bit RSA key, publish it under a new selector and switch signing.",
            {**ev, "key_bits": bits}, RFC8301))
    if r.key.key_type == "rsa" and bits > MAX_BITS:
        out.append(_finding(
            "dkim.key_too_large", Severity.WARNING,
            f"selector {r.selector} has a {bits}-bit RSA key; verifiers need only handle "
            "1024 to 4096 bits", "Use a 2048-bit key.", {**ev, "key_bits": bits}, RFC8301))
    if r.key.testing:
        out.append(_finding(
            "dkim.testing", Severity.WARNING,
            f"selector {r.selector} is in testing mode (t=y): verifiers may treat its "
            "signatures like unsigned mail",
            "Remove y from the t= tag once signing works.", ev, RFC6376_KEY))
    return out


def signature_findings(sigs: Sequence[SignatureResult], from_domain: str | None) -> list[Finding]:
    if not sigs:
        return [_finding("dkim.message_unsigned", Severity.WARNING,
                         "the message has no DKIM-Signature header",
                         "Sign outgoing mail with DKIM for the From domain.",
                         {"from_domain": from_domain}, "RFC 6376 §3.5")]
    out = []
    for sig in sigs:
        ev = {"d": sig.d, "s": sig.s, "result": sig.result.value, "reason": sig.reason}
        if sig.result in (SigResult.FAIL, SigResult.PERMERROR):
            out.append(_finding("dkim.signature_invalid", Severity.ERROR,
                                f"the DKIM signature d={sig.d} s={sig.s} does not verify: "
                                f"{sig.reason}",
                                "Check that the signing key matches the published record and "
                                "that nothing rewrites the message after signing.",
                                ev, "RFC 6376 §6.1"))
        elif sig.result is SigResult.TEMPERROR:
            out.append(_finding("dkim.temperror", Severity.WARNING,
                                f"the key of signature d={sig.d} s={sig.s} could not be "
                                "looked up: inconclusive", "Run again.", ev))
    if not any(s.result is SigResult.PASS and s.aligned for s in sigs):
        out.append(_finding(
            "dkim.no_aligned_pass", Severity.WARNING,
            f"no DKIM signature both verifies and aligns with the From domain {from_domain}",
            "Sign with d= set to the From domain (or its organizational domain).",
            {"from_domain": from_domain,
             "signatures": [{"d": s.d, "result": s.result.value, "aligned": s.aligned}
                            for s in sigs]},
            "RFC 7489 §3.1.1"))
    return out
