"""Recover the reply a receiver sent from the form it was logged or pasted in.

Policy: people and programs hand over a reply wrapped in other text — a DSN field
(``Diagnostic-Code: smtp; 550 …``, ``SMTP; 552-5.7.0 …``), an MTA's log wording (Postfix
``host H[ip] said: … (in reply to RCPT TO command)``, Exim ``SMTP error from remote mail
server after RCPT TO:<a>: host H [ip]: …``, Sendmail ``stat=Deferred: …``), a client
library's exception (.NET ``Mailbox unavailable. The server response was: …``, Java
``…SMTPSendFailedException: 554 …``, Python ``(550, b'5.7.1 …')``, nodemailer ``Can't
send mail - all recipients were rejected: …``), e-mail quoting, HTML escapes, literal
``\\n`` and control characters, and multi-line replies whose ``550-5.7.1`` prefixes repeat
inside the text. ``unwrap`` peels these off, in that order, and returns the reply itself
(one line, at most ``LIMIT`` characters), the receiving host a wrapper named, and a reply
code implied by a wrapper that dropped it (.NET's status descriptions). A text that never
reaches a reply code comes back cleaned but otherwise as it was: a local outcome.

Cost: most log replies already start with ``NNN `` and contain nothing to peel; they
return after one match (``_CODED``); multi-line ones drop their prefixes with string
operations. The patterns of the slow path are compiled on first use
(re's own cache keeps them), so a run whose log has no wrapped replies never compiles
them; a 10 KB paste costs a few scans of at most ``LIMIT`` characters.
"""

from __future__ import annotations

import re

LIMIT = 4000  # characters of a reply that classification reads (replies are far shorter)

# the common case: "451 4.7.500 Server busy …" with nothing to peel
_CODED = re.compile(r"[2-5]\d\d[ -][^\x00-\x1f\x7f-\x9f&\\]*\Z")
_CONTROL = r"[\x00-\x1f\x7f-\x9f]+"
_ESCAPED_BREAK = r"(?:\\[rnt])+"
_TAG = (r"(?i)</?(?:br|p|div|span|pre|tt|code|b|i|u|em|strong|font|td|tr|th|table|tbody"
        r"|html|body|li|ul|ol|blockquote|a)(?:\s[^<>]{0,200})?/?>")
_QUOTE_PREFIX = r"(?m)^[ \t]*(?:>[ \t]?)+"
_START = re.compile(r"[2-5]\d\d(?:[ :-]|\Z)|#?[245]\.\d{1,3}\.\d{1,3}\b")
# Wrapper text before a reply, searched anywhere; the reply starts where the match ends.
# ``relay`` names the host where a wrapper gives it.
_WRAPPER = (
    r"(?i)Diagnostic-Code:[ \t]*"
    r"|(?:^|(?<=[\s(]))(?:smtp|x-[\w-]+|unknown)[ \t]*;[ \t]*"
    r"|\bhost[ \t]+(?P<relay>[\w.-]+\.[a-z]{2,})\.?[ \t]*(?:\[[^\]]{1,64}\])?(?::\d+)?"
    r"[ \t]*(?:said|refused to talk to me)?[ \t]*:[ \t]*"
    r"|\bH=(?P<relay2>[\w.-]+\.[a-z]{2,})\.?[ \t]*(?:\[[^\]]{1,64}\])?(?::\d+)?[ \t]*:[ \t]*"
    r"|\bserver refused to talk to me:[ \t]*"
    r"|\bSMTP error from remote (?:mail )?server (?:after|for) [^\n]{0,300}?:[ \t]+"
    r"(?=host[ \t]|[2-5]\d\d[ -]|[245]\.\d)"
    r"|\b(?:Remote (?:host|server) (?:said|returned)|The (?:server )?response (?:from the"
    r" remote server )?was|response=|SMTP code:|Detail:|stat=\w+:|reply=|smtpmsg=)"
    r"[ \t]*:?[ \t]*['\"]?"
    r"|\b(?:(?:[\w$]+\.)*\w*(?:Exception|Error)|nested exception is)[ \t]*:[ \t]*"
    r"|\b(?:all recipients were rejected|Message failed|(?:Mail|Recipient|Data) command"
    r" failed|Invalid login|permanent|temporary)[ \t]*:[ \t]*"
)
_WITH_CODE = r"(?i)\bwith code ([2-5]\d\d)(?: \(\d\.\d{1,3}\.\d{1,3}\))? ['\"]?"
_PY_TUPLE = r"\(([2-5]\d\d), b?(['\"])(.*?)\2\)"
_IN_REPLY = r"(?i)\s*\(in reply to [^)]{1,80} command\)\s*$"


def _no_stage(body: str) -> str:
    """``body`` without Postfix's trailing ``(in reply to X command)``."""
    return re.sub(_IN_REPLY, "", body) if body.endswith("command)") else body
_MULTI = re.compile(r"([2-5]\d\d)([ -])(#?[245]\.\d{1,3}\.\d{1,3}\b)?")
_EMBEDDED = r"(?<![\w.])[2-5]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\b"
# .NET's SmtpException text for a status code, followed by "The server response was:"
_DOTNET = (
    ("service not available", 421), ("mailbox busy", 450),
    ("error in processing", 451), ("insufficient system storage", 452),
    ("mailbox unavailable", 550), ("user not local", 551),
    ("exceeded storage allocation", 552), ("mailbox name not allowed", 553),
    ("transaction failed", 554), ("syntax error", 500),
)


def unwrap(text: str) -> tuple[str, str | None, int | None]:
    """(the reply, the host a wrapper named, a code a wrapper implied); never raises."""
    if _CODED.match(text) and ("<" not in text or not re.search(_TAG, text)):
        # as an MTA logged it: at most the repeated prefixes of a multi-line reply to drop
        return _join_continuations(text)[:LIMIT], None, None
    body = cleaned = _clean(text[: LIMIT * 3])
    relay: str | None = None
    hint: int | None = None
    for _ in range(6):
        body = _strip_quotes(body)
        if _START.match(body):
            break
        found = _next_wrapper(body)
        if found is None:
            break
        cut, host, implied = found
        relay = host or relay
        hint = implied or hint
        body = body[cut:]
    if not _START.match(body):
        if hint is None:  # no reply inside: a local outcome, as it was written
            return _no_stage(cleaned)[:LIMIT], relay, None
        return f"{hint} {_no_stage(body)}"[:LIMIT], relay, hint
    return _join_continuations(_no_stage(body))[:LIMIT], relay, None


def _clean(text: str) -> str:
    """One line: literal \\n, controls, HTML and quoting removed; whitespace collapsed."""
    if "\\" in text:
        text = re.sub(_ESCAPED_BREAK, "\n", text)
    if ">" in text:
        text = re.sub(_QUOTE_PREFIX, "", text)
    if "<" in text and re.search(_TAG, text):
        text = re.sub(_TAG, " ", text)
    if "&" in text:
        import html  # only pasted HTML needs it (html.entities is a large table to import)

        text = html.unescape(text)
    if not text.isprintable():
        text = re.sub(_CONTROL, " ", text)
    return " ".join(text.split())


def _strip_quotes(body: str) -> str:
    body = body.strip()
    while len(body) > 1 and body[0] in "'\"`" and body[-1] == body[0]:
        body = body[1:-1].strip()
    if body[:1] in "'\"`" and _START.match(body[1:]):
        body = body[1:]
    m = re.search(_PY_TUPLE, body[:400]) if "(" in body[:200] else None
    if m and m.start() < 200:
        body = f"{m.group(1)} {m.group(3)}"
    return body


def _next_wrapper(body: str) -> tuple[int, str | None, int | None] | None:
    """Where the reply inside ``body`` starts, the host and the code its wrapper gave."""
    m = re.search(_WITH_CODE, body)
    if m:
        return m.end(), None, int(m.group(1))
    m = re.search(_WRAPPER, body)
    if m is None:
        e = re.search(_EMBEDDED, body)
        return (e.start(), None, None) if e and e.start() > 0 else None
    host = m.group("relay") or m.group("relay2")
    lead = body[: m.start()].lower()
    implied = next((code for phrase, code in _DOTNET if phrase in lead), None)
    end = m.end()
    return (end if end > m.start() else m.start() + 1), host.lower() if host else None, implied


def _join_continuations(body: str) -> str:
    """``550-5.7.1 a 550-5.7.1 b 550 5.7.1 c`` -> ``550 5.7.1 a b c`` (one reply, one prefix)."""
    m = _MULTI.match(body)
    if m is None:
        return body
    code, sep, enhanced = m.group(1), m.group(2), m.group(3)
    if sep == " " and f" {code}-" not in body and f" {code} " not in body[m.end():]:
        return body
    # plain string replacement: this runs on every multi-line reply of a big log
    rest = f" {body[m.end():]} "
    prefixes = ([f" {code}-{enhanced} ", f" {code} {enhanced} "] if enhanced
                else [f" {code}-", f" {code} "])
    for prefix in prefixes:
        while prefix in rest:
            rest = rest.replace(prefix, " ")
    head = f"{code} {enhanced}" if enhanced else code
    return " ".join(f"{head} {rest}".split())
