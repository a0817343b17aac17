"""Write a synthetic Postfix log of N lines shaped like a relay's maillog during an incident.

A throttling episode across several providers: Microsoft 365 and Outlook.com answer
"Server busy" and connection-limit deferrals, Gmail rate-limits, Yahoo defers with
TSS04, iCloud defers for volume, a greylisting host and an unreachable one; a fifth to
a third of all delivery attempts are deferrals or bounces, deferred mail is retried
after Postfix's backoff (five minutes, doubling up to 4,000 s) and, while a host that
failed at connect or greeting time is marked dead, a retry is often no attempt at all
but qmgr's "delivery temporarily suspended" relog. The replies are written as those receivers write
them (texts from fixtures/replies/corpus.jsonl and fixtures/logs/), each with its
per-message tokens: Gmail's per-message id before ``- gsmtp``, Microsoft's front-end
host, time stamp and hex id tail, Yahoo's answering MTA and the sending address it
names, the recipient address where the receiver quotes it. So no two replies of a kind
are byte-identical, as in a real log. smtpd/cleanup/qmgr lines surround the smtp
status lines as in any Postfix log. Deterministic (seeded).

    python3 bench/deferrals/make_incident_log.py --out /tmp/triage-bench-incident-log
"""

from __future__ import annotations

import argparse
import heapq
import random
from collections.abc import Callable, Iterator

from make_log import pickup, stamp  # the same pickup lines and stamps as the first log

Rng = random.Random
ALPHA = "0123456789ABCDEF"
LOWER = "abcdefghijklmnopqrstuvwxyz"
SENDING_IPS = ["198.51.100.7", "198.51.100.8", "198.51.100.9", "198.51.100.10"]
EOP = ["BN8NAM12FT033.eop-nam12.prod.protection.outlook.com",
       "CO1NAM11FT052.eop-nam11.prod.protection.outlook.com",
       "DM6NAM10FT019.eop-nam10.prod.protection.outlook.com",
       "AM4PEPF00027A5F.eurprd04.prod.outlook.com",
       "SN1PEPF0002BA4E.namprd03.prod.outlook.com"]


def gmail_id(rng: Rng) -> str:
    """Gmail's per-message tail before `` - gsmtp`` (e.g. ``p131si8414989oif.118``)."""
    return (f"{rng.choice(LOWER)}{rng.randrange(1, 999)}si{rng.randrange(10**6, 10**8)}"
            f"{''.join(rng.choices(LOWER, k=3))}.{rng.randrange(1, 999)}")


def ms_tail(rng: Rng, t: int) -> str:
    """Microsoft's ``[HOST 2025-11-03T09:41:07.118Z 08DD8F3B5C2A11E4]`` tail."""
    day, rest = divmod(t, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return (f"[{rng.choice(EOP)} 2025-11-{1 + day % 28:02d}T{h:02d}:{m:02d}:{s:02d}."
            f"{rng.randrange(1000):03d}Z {''.join(rng.choices(ALPHA, k=16))}]")


# a reply factory: (rng, time, sending ip, recipient, n) -> (dsn, text after "said: ", stage)
Reply = Callable[[Rng, int, str, str, int], tuple[str, str, str]]

DEFER: dict[str, list[Reply]] = {
    "microsoft": [
        lambda r, t, ip, rc, n: ("4.7.500", f"451 4.7.500 Server busy. Please try again later "
                                 f"from [{ip}]. (S77714) {ms_tail(r, t)}", "RCPT TO"),
        lambda r, t, ip, rc, n: ("4.7.652", f"451 4.7.652 The mail server [{ip}] has exceeded "
                                 f"the maximum number of connections. (S3115) {ms_tail(r, t)}",
                                 "MAIL FROM"),
        lambda r, t, ip, rc, n: ("4.3.1", f"452 4.3.1 Insufficient system resources "
                                 f"{ms_tail(r, t)}", "end of DATA"),
    ],
    "outlook": [
        lambda r, t, ip, rc, n: ("4.7.650", f"451 4.7.650 The mail server [{ip}] has been "
                                 "temporarily rate limited due to IP reputation. For e-mail "
                                 "delivery information, see https://postmaster.live.com (S3113) "
                                 f"{ms_tail(r, t)}", "RCPT TO"),
    ],
    "gmail": [
        lambda r, t, ip, rc, n: ("4.7.28", "421-4.7.28 Gmail has detected an unusual rate of "
                                 "mail originating from your IP address. 421-4.7.28 To protect "
                                 "our users from spam, mail sent from your IP address has been "
                                 "421-4.7.28 temporarily rate limited. For more information, go "
                                 "to 421 4.7.28  https://support.google.com/mail/?p="
                                 f"UnsolicitedRateLimitError {gmail_id(r)} - gsmtp",
                                 "end of DATA"),
        lambda r, t, ip, rc, n: ("4.2.1", "450-4.2.1 The user you are trying to contact is "
                                 "receiving mail too quickly. Please resend your message at a "
                                 "later time. 450 4.2.1  https://support.google.com/mail/?p="
                                 f"ReceivingRate {gmail_id(r)} - gsmtp", "RCPT TO"),
    ],
    "yahoo": [
        lambda r, t, ip, rc, n: ("4.7.0", f"421 4.7.0 [TSS04] Messages from {ip} temporarily "
                                 "deferred due to unexpected volume or user complaints - "
                                 "4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
                                 "MAIL FROM"),
    ],
    "icloud": [
        lambda r, t, ip, rc, n: ("4.7.1", f"421 4.7.1 Messages to {rc} deferred due to "
                                 "excessive volume. Try again later - https://support.apple.com"
                                 "/en-us/HT204137", "RCPT TO"),
    ],
    "grey": [
        lambda r, t, ip, rc, n: ("4.2.0", f"450 4.2.0 <{rc}>: Recipient address rejected: "
                                 "Greylisted, see http://postgrey.schweikert.ch/help/"
                                 "example-corp.de.html", "RCPT TO"),
    ],
}
BOUNCE: dict[str, Reply] = {
    "microsoft": lambda r, t, ip, rc, n: (
        "5.1.10", f"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient {rc} not found by SMTP "
        f"address lookup {ms_tail(r, t)}", "RCPT TO"),
    "outlook": lambda r, t, ip, rc, n: (
        "5.5.0", f"550 5.5.0 Requested action not taken: mailbox unavailable (S2017062302). "
        f"{ms_tail(r, t)}", "RCPT TO"),
    "gmail": lambda r, t, ip, rc, n: (
        "5.1.1", "550-5.1.1 The email account that you tried to reach does not exist. Please "
        "try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 "
        "unnecessary spaces. For more information, go to 550 5.1.1  https://support.google."
        f"com/mail/?p=NoSuchUser {gmail_id(r)} - gsmtp", "RCPT TO"),
    "yahoo": lambda r, t, ip, rc, n: (
        "5.0.0", f"554 delivery error: dd This user doesn't have a yahoo.com account ({rc}) "
        f"[0] - mta{r.randrange(1000, 1300)}.mail.{r.choice(['ne1', 'bf1', 'gq1'])}.yahoo.com",
        "end of DATA"),
    "icloud": lambda r, t, ip, rc, n: (
        "5.1.1", f"550 5.1.1 <{rc}>: inactive email address", "RCPT TO"),
    "grey": lambda r, t, ip, rc, n: (
        "5.1.1", f"550 5.1.1 <{rc}>: Recipient address rejected: User unknown in virtual "
        "mailbox table", "RCPT TO"),
}
# domain, MX host, its addresses, kind, weight, chance a first attempt is deferred
DESTS = [
    ("contoso.com", "contoso-com.mail.protection.outlook.com",
     ["104.47.55.138", "104.47.56.138", "52.101.8.40"], "microsoft", 14, 0.40),
    ("fabrikam.com", "fabrikam-com.mail.protection.outlook.com",
     ["104.47.58.33", "52.101.41.2"], "microsoft", 8, 0.35),
    ("hotmail.com", "hotmail-com.olc.protection.outlook.com",
     ["104.47.0.33", "52.101.68.17", "52.101.73.9"], "outlook", 14, 0.30),
    ("gmail.com", "gmail-smtp-in.l.google.com",
     ["142.250.27.26", "142.250.153.27", "64.233.184.27"], "gmail", 30, 0.22),
    ("yahoo.com", "mta5.am0.yahoodns.net",
     ["67.195.204.72", "67.195.228.106", "98.136.96.74"], "yahoo", 12, 0.30),
    ("icloud.com", "mx01.mail.icloud.com", ["17.57.154.6", "17.57.155.34"], "icloud", 6, 0.15),
    ("example-corp.de", "mx.example-corp.de", ["192.0.2.17"], "grey", 6, 0.20),
    ("example.org", "mx.example.org", ["192.0.2.25"], "down", 4, 0.60),
    ("example.net", "mx.example.net", ["192.0.2.40"], "ok", 6, 0.0),
]


def sent_text(rng: Rng, kind: str, n: int, qid: str, t: int) -> str:
    if kind == "gmail":
        return f"250 2.0.0 OK  {1762000000 + t} {gmail_id(rng)} - gsmtp"
    if kind in ("microsoft", "outlook"):
        host = rng.choice(EOP).split(".")[0]
        return (f"250 2.6.0 <{n}.{qid}@app.example> [InternalId={rng.randrange(10**12, 10**13)},"
                f" Hostname={host}.namprd12.prod.outlook.com] {rng.randrange(3000, 90000)} bytes"
                f" in {rng.randrange(50, 900) / 1000:.3f}, {rng.randrange(10, 900)}.{n % 10} "
                "KB/sec Queued mail for delivery")
    if kind == "yahoo":
        return "250 ok dirdel"
    return f"250 2.0.0 Ok: queued as {''.join(rng.choices(ALPHA, k=12))}"


def attempt_time(t: int, k: int) -> int:
    """When attempt ``k`` (0: the first, a second after arrival) of a message that
    arrived at ``t`` is made: the backoff doubles from five minutes up to 4,000 s
    (Postfix's minimal_backoff_time and maximal_backoff_time), so a retry that
    succeeds comes one backoff after the last deferral, not at once."""
    at, step = t + 1, 300
    for _ in range(k):
        at, step = at + step, min(step * 2, 4000)
    return at


def messages(rng: Rng) -> Iterator[tuple[int, list[tuple[int, str]]]]:
    weights = [d[4] for d in DESTS]
    t = 0
    n = 0
    while True:
        n += 1
        t += rng.random() < 0.3
        qid = "".join(rng.choices(ALPHA, k=10))
        domain, mx, ips, kind, _, p_defer = rng.choices(DESTS, weights)[0]
        ts = stamp(t)
        pid = 1000 + n % 30000
        rcpt = f"user{n}@{domain}"
        ip = SENDING_IPS[n % len(SENDING_IPS)]
        lines: list[tuple[int, str]] = [(t, line) for line in pickup(ts, pid, qid, n)]
        tries = 0
        dead = dead_dsn = ""  # why the destination was last marked dead (qmgr relogs it)
        while rng.random() < (p_defer if tries == 0 else 0.3) and tries < 6:
            when = attempt_time(t, tries)
            tries += 1
            addr = rng.choice(ips)
            head = (f"{stamp(when)} relay1 postfix/smtp[{pid + 2}]: {qid}: to=<{rcpt}>, ")
            delays = f"delay={when - t}, delays={when - t}/0.01/0.2/0.1"
            if dead and rng.random() < 0.6:
                # the queue run found the destination still marked dead: no attempt,
                # qmgr defers the recipient again with the reason it was marked dead
                lines.append((when, (
                    f"{stamp(when)} relay1 postfix/error[{pid + 3}]: {qid}: to=<{rcpt}>, "
                    f"relay=none, {delays}, dsn={dead_dsn}, "
                    f"status=deferred (delivery temporarily suspended: {dead})")))
                continue
            if kind == "down":
                text = f"connect to {mx}[{addr}]:25: Connection timed out"
                dsn = "4.4.1"
                lines.append((when, f"{head}relay=none, {delays}, dsn=4.4.1, "
                              f"status=deferred ({text})"))
            else:
                dsn, said, stage = rng.choice(DEFER[kind])(rng, when, ip, rcpt, n)
                verb = ("refused to talk to me" if kind in ("gmail", "yahoo")
                        and rng.random() < 0.3 else "said")
                tail = "" if verb != "said" else f" (in reply to {stage} command)"
                text = f"host {mx}[{addr}] {verb}: {said}{tail}"
                lines.append((when, f"{head}relay={mx}[{addr}]:25, {delays}, dsn={dsn}, "
                              f"status=deferred ({text})"))
            # a host that failed at connect or greeting time is marked dead for a while
            dead, dead_dsn = (text, dsn) if kind == "down" or "refused to talk" in text \
                else ("", "")
        done = attempt_time(t, tries)
        addr = rng.choice(ips)
        head = (f"{stamp(done)} relay1 postfix/smtp[{pid + 2}]: {qid}: to=<{rcpt}>, "
                f"relay={mx}[{addr}]:25, delay={done - t}, delays=0.01/0/0.2/0.2, ")
        if kind in BOUNCE and rng.random() < 0.02:
            dsn, said, stage = BOUNCE[kind](rng, done, ip, rcpt, n)
            lines.append((done, f"{head}dsn={dsn}, status=bounced (host {mx}[{addr}] said: "
                                f"{said} (in reply to {stage} command))"))
        elif tries == 6:
            lines.append((done, f"{stamp(done)} relay1 postfix/qmgr[900]: {qid}: from=<news@"
                                "sender.example>, status=expired, returned to sender"))
        else:
            lines.append((done, f"{head}dsn=2.0.0, "
                                f"status=sent ({sent_text(rng, kind, n, qid, done)})"))
        lines.append((done, f"{stamp(done)} relay1 postfix/qmgr[900]: {qid}: removed"))
        yield t, lines


def rfc3339(t: int, n: int) -> str:
    """The stamp of make_log.stamp(t) as rsyslog writes it with RSYSLOG_FileFormat."""
    day, rest = divmod(t, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return (f"2025-11-{1 + day % 28:02d}T{h:02d}:{m:02d}:{s:02d}.{n * 7919 % 1000000:06d}"
            "+01:00")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--stamps", choices=("syslog", "rfc3339"), default="syslog",
                        help="rfc3339: rsyslog's high-precision stamps (microseconds, "
                             "+01:00), the default on recent Debian and Ubuntu")
    args = parser.parse_args()
    restamp = args.stamps == "rfc3339"
    rng = random.Random(args.seed)
    queue: list[tuple[int, int, str]] = []  # (time, order, line): the log is in time order
    order = written = 0
    with open(args.out, "w", encoding="ascii") as out:
        for now, lines in messages(rng):
            for when, line in lines:
                order += 1
                heapq.heappush(queue, (when, order, line))
            batch = []
            while queue and queue[0][0] < now and written + len(batch) < args.lines:
                when, n, line = heapq.heappop(queue)
                batch.append(rfc3339(when, n) + line[15:] if restamp else line)
            if batch:
                out.write("\n".join(batch) + "\n")
                written += len(batch)
            if written >= args.lines:
                break


if __name__ == "__main__":
    main()
