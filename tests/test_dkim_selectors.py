"""The built-in selector list and the Microsoft header meanings are data, validated here."""

from __future__ import annotations

import pytest

from triage.checks.dkim.headers import load_meanings
from triage.checks.dkim.selectors import load_catalog, parse_catalog


def test_catalog_loads_with_sources_and_covers_the_big_senders() -> None:
    catalog = load_catalog()
    names = {s.name for s in catalog.selectors}
    assert {"selector1", "selector2", "google", "k1", "mte1", "s1", "pdk1", "zoho", "fm1",
            "protonmail", "zendesk1", "kl", "mail", "mailjet", "s2048"} <= names
    assert all(s.source and s.sender for s in catalog.selectors)
    assert all(t.suffix.startswith(".") for t in catalog.targets)


def test_sender_prefers_the_cname_target() -> None:
    catalog = load_catalog()
    new = ("selector1-x-com._domainkey.contoso.r-v1.dkim.mail.microsoft",)
    old = ("selector1-x-com._domainkey.contoso.onmicrosoft.com",)
    assert "2025" in (catalog.sender_of("selector1", new) or "")
    assert "before May 2025" in (catalog.sender_of("selector1", old) or "")
    assert catalog.sender_of("google") == "Google Workspace"
    assert catalog.sender_of("no-such-selector") is None


@pytest.mark.parametrize(
    "text",
    [
        '[[selector]]\nname = "bad name"\nsender = "x"\nsource = "y"\n',
        '[[selector]]\nname = "a"\nsender = "x"\n',
        '[[selector]]\nname = "a"\nsender = "x"\nsource = "y"\n'
        '[[selector]]\nname = "a"\nsender = "x"\nsource = "y"\n',
        '[[target]]\nsuffix = "no-dot.com"\nsender = "x"\nsource = "y"\n',
    ],
)
def test_bad_catalog_entries_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_catalog(text)


def test_microsoft_meanings_load() -> None:
    meanings = load_meanings()
    assert meanings["sfv"]["NSPM"].startswith("the spam filter marked")
    assert "high confidence" in meanings["scl"]["9"]
    assert {"000", "001", "1XX"} <= set(meanings["compauth_reason"])
