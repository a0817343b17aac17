"""Write a synthetic Postfix log of N lines shaped like a busy outbound relay's maillog.

Each message contributes the usual smtpd/cleanup/qmgr lines around its smtp status
lines; about 8 % of first attempts are deferred (Microsoft "Server busy", Gmail rate
limits, Yahoo TSS04, connection failures and their "delivery temporarily suspended"
relogs) and retried later, a few bounce. Deterministic (seeded).

    python3 bench/deferrals/make_log.py --lines 1000000 --out /tmp/bench-maillog
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator

DESTS = [
    ("contoso.com", "contoso-com.mail.protection.outlook.com", "104.47.55.138", 20),
    ("fabrikam.com", "fabrikam-com.mail.protection.outlook.com", "104.47.58.33", 10),
    ("hotmail.com", "hotmail-com.olc.protection.outlook.com", "104.47.0.33", 15),
    ("gmail.com", "gmail-smtp-in.l.google.com", "142.250.27.26", 30),
    ("yahoo.com", "mta5.am0.yahoodns.net", "67.195.204.72", 10),
    ("icloud.com", "mx01.mail.icloud.com", "17.57.154.6", 5),
    ("example.org", "mx.example.org", "192.0.2.25", 10),
]
DEFERS = {
    "contoso.com": ("4.7.500", "host {mx}[{ip}] said: 451 4.7.500 Server busy. Please try again "
                    "later from [198.51.100.7]. (S77714) [BN8NAM12FT033.eop-nam12.prod.protection."
                    "outlook.com] (in reply to RCPT TO command)"),
    "fabrikam.com": ("4.7.652", "host {mx}[{ip}] said: 451 4.7.652 The mail server "
                     "[198.51.100.7] has exceeded the maximum number of connections. (S3115) "
                     "[AM4PEPF00027A5F.eurprd04.prod.outlook.com 2025-05-12T09:41:07.118Z "
                     "08DD8F3B5C2A11E4] (in reply to MAIL FROM command)"),
    "hotmail.com": ("4.7.650", "host {mx}[{ip}] said: 451 4.7.650 The mail server [198.51.100.7]"
                    " has been temporarily rate limited due to IP reputation. For e-mail delivery"
                    " information, see https://postmaster.live.com (S843) (in reply to RCPT TO "
                    "command)"),
    "gmail.com": ("4.7.28", "host {mx}[{ip}] said: 421-4.7.28 Gmail has detected an unusual rate"
                  " of mail originating from your IP address. 421-4.7.28 To protect our users "
                  "from spam, mail sent from your IP address has been 421 4.7.28 temporarily "
                  "rate limited. https://support.google.com/mail/?p=UnsolicitedRateLimitError "
                  "a1si{n} - gsmtp (in reply to end of DATA command)"),
    "yahoo.com": ("4.7.0", "host {mx}[{ip}] said: 421 4.7.0 [TSS04] Messages from 198.51.100.7 "
                  "temporarily deferred due to unexpected volume or user complaints - 4.16.55.1;"
                  " see https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM "
                  "command)"),
    "icloud.com": ("4.7.1", "host {mx}[{ip}] said: 451 4.7.1 Service unavailable - try again "
                   "later (in reply to RCPT TO command)"),
    "example.org": ("4.4.1", "connect to {mx}[{ip}]:25: Connection timed out"),
}
ALPHA = "0123456789ABCDEF"


def pickup(ts: str, pid: int, qid: str, n: int) -> list[str]:
    """The lines Postfix writes while it takes message ``n`` in from the application."""
    return [
        f"{ts} relay1 postfix/smtpd[{pid}]: connect from app1.internal[10.0.0.5]",
        f"{ts} relay1 postfix/smtpd[{pid}]: {qid}: client=app1.internal[10.0.0.5]",
        f"{ts} relay1 postfix/cleanup[{pid + 1}]: {qid}: message-id=<{n}.{qid}@app.example>",
        f"{ts} relay1 postfix/qmgr[900]: {qid}: from=<news@sender.example>, "
        f"size={2000 + n % 9000}, nrcpt=1 (queue active)",
        f"{ts} relay1 postfix/smtpd[{pid}]: disconnect from app1.internal[10.0.0.5] "
        "ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5",
    ]


def stamp(t: int) -> str:
    day, rest = divmod(t, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return f"Nov {1 + day % 28:2d} {h:02d}:{m:02d}:{s:02d}"


def messages(rng: random.Random) -> Iterator[list[str]]:
    weights = [d[3] for d in DESTS]
    t = 0
    n = 0
    while True:
        n += 1
        t += rng.random() < 0.3
        qid = "".join(rng.choice(ALPHA) for _ in range(10))
        domain, mx, ip, _ = rng.choices(DESTS, weights)[0]
        ts = stamp(t)
        pid = 1000 + n % 30000
        rcpt = f"user{n}@{domain}"
        lines = pickup(ts, pid, qid, n)
        tries = 0
        while rng.random() < (0.08 if tries == 0 else 0.35) and tries < 5:
            tries += 1
            dsn, text = DEFERS[domain]
            relay = "none" if dsn == "4.4.1" else f"{mx}[{ip}]:25"
            lines.append(
                f"{stamp(t + tries * 300)} relay1 postfix/smtp[{pid + 2}]: {qid}: to=<{rcpt}>, "
                f"relay={relay}, delay={tries * 300}, delays={tries * 300}/0.01/0.2/0.1, "
                f"dsn={dsn}, status=deferred ({text.format(mx=mx, ip=ip, n=n)})")
            if dsn == "4.4.1" and rng.random() < 0.5:
                lines.append(
                    f"{stamp(t + tries * 300)} relay1 postfix/error[{pid + 3}]: {qid}: to=<{rcpt}>,"
                    f" relay=none, delay={tries * 300}, delays={tries * 300}/0/0/0, dsn={dsn}, "
                    f"status=deferred (delivery temporarily suspended: "
                    f"{text.format(mx=mx, ip=ip, n=n)})")
        done = stamp(t + tries * 300 + 1)
        if rng.random() < 0.004:
            lines.append(
                f"{done} relay1 postfix/smtp[{pid + 2}]: {qid}: to=<{rcpt}>, relay={mx}[{ip}]:25, "
                f"delay=0.4, delays=0.01/0/0.2/0.2, dsn=5.1.1, status=bounced (host {mx}[{ip}] "
                f"said: 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown (in reply to "
                "RCPT TO command))")
        else:
            lines.append(
                f"{done} relay1 postfix/smtp[{pid + 2}]: {qid}: to=<{rcpt}>, relay={mx}[{ip}]:25, "
                f"delay=0.4, delays=0.01/0/0.2/0.2, dsn=2.0.0, status=sent (250 2.0.0 OK "
                f"{n}.{qid} - queued)")
        lines.append(f"{done} relay1 postfix/qmgr[900]: {qid}: removed")
        yield lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    written = 0
    with open(args.out, "w", encoding="ascii") as out:
        for lines in messages(rng):
            take = lines[: args.lines - written]
            out.write("\n".join(take) + "\n")
            written += len(take)
            if written >= args.lines:
                break


if __name__ == "__main__":
    main()
