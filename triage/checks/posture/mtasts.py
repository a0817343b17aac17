"""MTA-STS (RFC 8461): the _mta-sts record, the policy over HTTPS, the MX against it.

Discovery (§3.1): TXT records at ``_mta-sts.DOMAIN`` that do not begin ``v=STSv1;`` are
discarded; anything but exactly one valid record means "no MTA-STS", so no policy is
fetched then. The policy (§3.3) comes from ``https://mta-sts.DOMAIN/.well-known/
mta-sts.txt`` over validated HTTPS, status 200 only, redirects never followed, at most
64 KiB; its media type should be text/plain (§3.2).
"""

from __future__ import annotations

import asyncio
import re

from triage.checks.posture import policy as sts
from triage.checks.posture.result import MtaSts, PolicyFetch
from triage.checks.posture.tags import Txt, lookup, parse
from triage.dns.resolver import Resolver
from triage.fetch import Fetched, Fetcher, FetchError
from triage.findings import Finding, Severity
from triage.sanitize import clean

CAP = 64 * 1024
TIMEOUT = 60.0  # RFC 8461 §3.3 suggests a minute; the run's fetch deadline is shorter
SHORT_AGE = 86_400  # under a day: the policy barely protects the refresh (§3.2 "weeks")
_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")
R = "RFC 8461"


def _f(code: str, severity: Severity, message: str, fix: str | None,
       evidence: dict[str, object], section: str) -> Finding:
    return Finding(code, severity, "posture", message, fix, evidence, (f"{R} {section}",))


async def check(resolver: Resolver, fetcher: Fetcher, domain: str
                ) -> tuple[MtaSts, list[Finding]]:
    txt, mx_answer = await asyncio.gather(lookup(resolver, f"_mta-sts.{domain}", "STSv1"),
                                          resolver.query(domain, "MX"))
    hosts = tuple(h for _, h in mx_answer.exchanges() if h and h != ".") if mx_answer.ok else ()
    record, ident, found = _record(txt)
    empty = MtaSts(record, ident, None, None, None, None, None, hosts, ())
    if record is None or ident is None:
        return empty, found
    url = f"https://mta-sts.{domain}/.well-known/mta-sts.txt"
    got = await fetcher.get(url, max_bytes=CAP, timeout=TIMEOUT)
    fetch = PolicyFetch(url, got.status, got.error.value if got.error else None,
                        clean(got.detail, 300) or None,
                        clean(got.location, 500) if got.location else None,
                        clean(got.content_type, 100) if got.content_type else None)
    problem = _fetch_problem(got, url)
    if problem is not None:
        return MtaSts(record, ident, None, None, None, None, fetch, hosts, ()), [*found, problem]
    return _judge(record, ident, got, fetch, hosts, found)


def _record(txt: Txt) -> tuple[str | None, str | None, list[Finding]]:
    name = txt.name
    if txt.failed:
        return None, None, [_f("mtasts.temperror", Severity.WARNING,
                               f"The lookup of {name} failed ({txt.failed}): whether the domain "
                               "publishes MTA-STS is unknown.", "Retry the check.",
                               {"name": name, "status": txt.failed}, "§3.1")]
    if not txt.records:
        return None, None, [_f("mtasts.missing", Severity.INFO,
                               f"No MTA-STS record at {name}: senders may deliver to this "
                               "domain without TLS when an attacker strips STARTTLS.",
                               "Publish a policy at https://mta-sts.DOMAIN/.well-known/"
                               "mta-sts.txt (mode: testing first) and a TXT record "
                               f"'v=STSv1; id=YYYYMMDD01' at {name}.", {"name": name}, "§3")]
    if len(txt.records) > 1:
        return None, None, [_f("mtasts.multiple_records", Severity.ERROR,
                               f"{len(txt.records)} MTA-STS records at {name}: senders treat "
                               "the domain as having no MTA-STS.", "Keep exactly one.",
                               {"name": name, "records": list(txt.records)}, "§3.1")]
    record = txt.records[0]
    tags = parse(record)
    ident = (tags or {}).get("id")
    if tags is None or ident is None or not _ID.match(ident):
        return record, None, [_f("mtasts.record_invalid", Severity.ERROR,
                                 f"The MTA-STS record at {name} is invalid (it needs id= of 1-32 "
                                 "letters and digits): senders ignore the policy.",
                                 "Publish 'v=STSv1; id=YYYYMMDD01' and change id with every "
                                 "policy change.", {"name": name, "record": record}, "§3.1")]
    return record, ident, []


def _fetch_problem(got: Fetched, url: str) -> Finding | None:
    ev: dict[str, object] = {"url": url, "status": got.status, "detail": clean(got.detail, 300),
                             "location": clean(got.location, 500) if got.location else None}
    host = url.split("/")[2]
    if got.error is FetchError.REDIRECT:
        return _f("mtasts.redirect", Severity.ERROR,
                  f"{url} answers with a redirect (HTTP {got.status}) to "
                  f"{ev['location'] or 'nowhere'}: senders must not follow it, so they have "
                  "no policy.", f"Serve the policy itself at {url} with status 200.", ev, "§3.3")
    if got.error is FetchError.TLS:
        return _f("mtasts.cert_invalid", Severity.ERROR,
                  f"The certificate of {host} does not validate ({clean(got.detail, 200)}): "
                  "senders cannot fetch the policy.",
                  f"Serve {host} with a certificate from a public CA whose names include it.",
                  ev, "§3.3")
    if got.error is FetchError.TOO_LARGE:
        return _f("mtasts.too_large", Severity.ERROR,
                  f"The policy at {url} is over {CAP // 1024} KiB: it is not read.",
                  "Serve a policy of a few lines.", ev, "§3.3")
    if got.error is FetchError.OFFLINE:
        return _f("mtasts.not_fetched", Severity.INFO,
                  f"The policy at {url} was not fetched (--offline).", None, ev, "§3.3")
    if got.error is not None or got.status != 200:
        why = clean(got.detail, 200) if got.error is not None else f"HTTP {got.status}"
        return _f("mtasts.policy_unavailable", Severity.ERROR,
                  f"The policy at {url} could not be fetched ({why}): senders that cached none "
                  "deliver without MTA-STS.", f"Serve the policy at {url} with status 200.",
                  ev, "§3.3")
    return None


def _judge(record: str, ident: str, got: Fetched, fetch: PolicyFetch, hosts: tuple[str, ...],
           found: list[Finding]) -> tuple[MtaSts, list[Finding]]:
    url = fetch.url
    ctype = (got.content_type or "").split(";", 1)[0].strip().lower()
    if ctype != "text/plain":
        found.append(_f("mtasts.content_type", Severity.WARNING,
                        f"The policy at {url} is served as {clean(ctype, 80) or 'no type'}, "
                        "not text/plain: senders may refuse it.",
                        "Serve it with Content-Type: text/plain.", {"content_type": ctype},
                        "§3.2"))
    try:
        text = got.body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    shown = clean(got.body, 4000)
    parsed = sts.parse(text) if text is not None else None
    problems = parsed.problems if parsed is not None else ("the policy is not UTF-8 text",)
    if problems:
        found.append(_f("mtasts.policy_invalid", Severity.ERROR,
                        f"The policy at {url} is invalid ({'; '.join(problems)}): senders "
                        "ignore it.", "Serve 'version: STSv1', 'mode:', one 'mx:' line per MX "
                        "host and 'max_age:' (seconds, at most 31557600).",
                        {"url": url, "problems": list(problems), "policy": shown}, "§3.2"))
    if parsed is None:
        return MtaSts(record, ident, shown, None, None, None, fetch, hosts, ()), found
    unmatched = sts.unmatched(parsed.mx, hosts) if parsed.mode != "none" else ()
    result = MtaSts(record, ident, shown, parsed.mode, parsed.mx, parsed.max_age, fetch,
                    hosts, unmatched)
    if parsed.mode == "testing":
        found.append(_f("mtasts.testing", Severity.INFO, "The MTA-STS policy is in mode "
                        "testing: failures are reported (TLS-RPT), not enforced.",
                        "Switch to mode: enforce once TLS reports are clean.", {}, "§5"))
    if parsed.max_age is not None and parsed.max_age < SHORT_AGE and not problems:
        found.append(_f("mtasts.max_age_short", Severity.WARNING,
                        f"max_age is {parsed.max_age} s: a cached policy lapses within a day.",
                        "Use weeks (e.g. max_age: 1209600) once the policy is stable.",
                        {"max_age": parsed.max_age}, "§3.2"))
    if unmatched:
        enforce = parsed.mode == "enforce"
        found.append(_f("mtasts.mx_mismatch", Severity.ERROR if enforce else Severity.WARNING,
                        f"MX host(s) {', '.join(unmatched)} match no mx pattern of the policy: "
                        + ("senders honouring MTA-STS will not deliver to them."
                           if enforce else "in enforce mode, mail to them would fail."),
                        "Add an 'mx:' line for each MX host (or a *.domain pattern), change "
                        "the record's id, and wait out the old max_age.",
                        {"mx_hosts": list(hosts), "patterns": list(parsed.mx),
                         "unmatched": list(unmatched)}, "§4.1"))
    return result, found
