"""External report destinations (RFC 7489 §7.1; RFC 9990 "Verifying External Destinations").

A ``rua``/``ruf`` destination outside the policy domain's Organizational Domain
must publish ``<policy-domain>._report._dmarc.<destination>`` TXT starting with
``v=DMARC1``; ``*._report._dmarc.<destination>`` authorizes every domain. The
wildcard name is also asked literally: a real wildcard does not answer a name
whose parent exists (an empty non-terminal left by another authorization).

"Outside" is judged both ways receivers do: by the PSL and by the RFC 9989
Organizational Domain. A destination inside both is internal; one outside
either needs the authorization, or some receivers drop its reports. Which rule
made it external is kept (``external_by``): outside by the tree walk only, RFC
7489 (PSL) receivers still send the reports; outside by the PSL only, RFC 9989
receivers do.
"""

from __future__ import annotations

import asyncio
import enum
from dataclasses import dataclass, replace
from typing import Any

from triage.checks.dmarc.record import DmarcRecord, ReportUri, version_exact
from triage.dns.answer import Answer, Status
from triage.dns.resolver import Resolver
from triage.sanitize import clean


class Auth(enum.Enum):
    INTERNAL = "internal"
    AUTHORIZED = "authorized"
    UNAUTHORIZED = "unauthorized"
    TEMPERROR = "temperror"


@dataclass(frozen=True)
class Destination:
    tag: str  # rua | ruf
    uri: str
    host: str
    auth: Auth
    name: str | None = None  # the authorization name queried
    detail: str = ""
    external_by: tuple[str, ...] = ()  # psl | tree_walk: the rules that put it outside
    org_domains: tuple[str, str] = ("", "")  # the policy domain's (PSL, tree walk) ones

    def to_dict(self) -> dict[str, Any]:
        return {"tag": self.tag, "uri": clean(self.uri, 200), "host": clean(self.host, 200),
                "authorization": self.auth.value, "name": self.name, "detail": self.detail or None,
                "external_by": list(self.external_by)}


def _within(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


RULES = ("psl", "tree_walk")


async def check_destinations(
    resolver: Resolver, record: DmarcRecord, policy_domain: str, org_domains: tuple[str, str]
) -> tuple[Destination, ...]:
    """Authorization of every valid rua/ruf destination of the record at ``policy_domain``;
    ``org_domains`` is the policy domain's (PSL, tree walk) Organizational Domains."""
    uris: list[tuple[str, ReportUri]] = [("rua", u) for u in record.rua if u.valid]
    uris += [("ruf", u) for u in record.ruf if u.valid]
    jobs = []
    for tag, uri in uris:
        host = uri.host or ""
        outside = () if _within(host, policy_domain) else tuple(
            rule for rule, org in zip(RULES, org_domains, strict=True) if not _within(host, org))
        jobs.append(_one(resolver, tag, uri.uri, host, policy_domain, outside, org_domains))
    return tuple(await asyncio.gather(*jobs))


async def _one(resolver: Resolver, tag: str, uri: str, host: str, policy_domain: str,
               outside: tuple[str, ...], orgs: tuple[str, str]) -> Destination:
    if not outside:
        return Destination(tag, uri, host, Auth.INTERNAL, org_domains=orgs)
    found = await _authorization(resolver, tag, uri, host, policy_domain)
    return replace(found, external_by=outside, org_domains=orgs)


async def _authorization(resolver: Resolver, tag: str, uri: str, host: str,
                         policy_domain: str) -> Destination:
    name = f"{policy_domain}._report._dmarc.{host}"
    answer = await resolver.query(name, "TXT")
    verdict = _verdict(answer)
    if verdict is Auth.UNAUTHORIZED and answer.status is not Status.BADNAME:
        wildcard = f"*._report._dmarc.{host}"
        second = _verdict(await resolver.query(wildcard, "TXT"))
        if second is not Auth.UNAUTHORIZED:
            return Destination(tag, uri, host, second, wildcard)
    detail = "" if verdict is not Auth.TEMPERROR else clean(answer.detail or answer.status.value)
    if answer.status is Status.BADNAME:
        detail = "the authorization name is too long for DNS"
    return Destination(tag, uri, host, verdict, name, detail)


def _verdict(answer: Answer) -> Auth:
    if answer.status.is_error:
        return Auth.TEMPERROR
    texts = [t.decode("utf-8", "replace") for t in answer.texts()] if answer.ok else []
    return Auth.AUTHORIZED if any(version_exact(t) for t in texts) else Auth.UNAUTHORIZED
