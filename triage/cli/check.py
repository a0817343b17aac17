"""``triage check DOMAIN --ip IP``: every check, the deferral sample, and the verdict."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from triage.cli.run import OutputSpec
    from triage.context import RunContext
    from triage.deferrals.thresholds import Thresholds
    from triage.dns.stack import DnsConfig
    from triage.sender import SenderResult

from triage.cli.options import dns_options, output_options, snds_options, threshold_options


@click.command("check")
@click.argument("domain")
@click.option("--ip", "ips", multiple=True, required=True, metavar="IP",
              help="Sending IP address (repeatable).")
@click.option("--helo", metavar="NAME",
              help="HELO/EHLO name; default: each IP's PTR name when it has exactly one.")
@click.option("--mail-from", "mail_from", metavar="DOMAIN",
              help="Envelope (Return-Path) domain; default: DOMAIN.")
@click.option("--selector", "selectors", multiple=True, metavar="S",
              help="DKIM selector (repeatable); default: a list of common selectors.")
@click.option("--deferrals", "deferrals", multiple=True, metavar="FILE",
              help="MTA log or reply sample to analyse (repeatable; .gz; - for stdin).")
@click.option("--message", "message", type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE.eml", help="A sample message whose DKIM signatures to verify.")
@click.option("--dnsbl", "dnsbl_zones", multiple=True, metavar="ZONE",
              help="Also ask this DNSBL zone (repeatable).")
@click.option("--dnsbl-key", "dnsbl_key", envvar="TRIAGE_DNSBL_KEY", metavar="KEY",
              help="Spamhaus DQS key (or TRIAGE_DNSBL_KEY); never printed.")
@click.option("--chart", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.svg",
              help="Write the deferral timeline (rate per provider) as SVG.")
@click.option("--brief", is_flag=True,
              help="Print only the verdict, the checks and the first step.")
@threshold_options
@snds_options
@dns_options
@output_options
def command(domain: str, ips: tuple[str, ...], helo: str | None, mail_from: str | None,
            selectors: tuple[str, ...], deferrals: tuple[str, ...], message: Path | None,
            dnsbl_zones: tuple[str, ...], dnsbl_key: str | None, chart: Path | None,
            brief: bool, thresholds: Thresholds,
            snds_key: str | None, snds_url: str | None, dns: DnsConfig,
            out: OutputSpec) -> None:
    """Check a sending DOMAIN and its IPs, read the deferrals, and say what to do:
    healthy, wait, fix-sender or escalate."""
    from dataclasses import replace

    from triage.cli.run import conclude
    from triage.runner import run_dns
    from triage.sanitize import clean
    from triage.sender import SenderResult, check_sender, request
    from triage.verdict import Policy

    policy = Policy.of(thresholds)
    req = request(domain, ips, helo, mail_from, selectors, deferrals, message, dnsbl_zones,
                  dnsbl_key, snds_key, snds_url)
    inputs = {
        "domain": req.domain, "ips": [str(ip) for ip in req.ips],
        "helo": clean(req.helo, 255) if req.helo else None, "mail_from": req.mail_from,
        "selectors": list(req.selectors), "deferrals": [clean(p, 500) for p in req.deferrals],
        "message": clean(req.message_path, 500) if req.message_path else None,
        "dnsbl": list(req.dnsbl_zones), "dnsbl_key": req.dnsbl_key is not None,
        "snds_url": req.snds.base if req.snds is not None else None,
        "thresholds": thresholds.to_dict(),
    }

    async def job(ctx: RunContext) -> SenderResult:
        result = await check_sender(ctx, req, policy)
        if chart is not None:
            _write_chart(chart, result)
            result = replace(result, chart=_link(chart, out.output))
        return result

    outcome = run_dns("check", inputs, dns, job, out.fail_on, gate=SenderResult.gating)
    conclude(outcome, replace(out, brief=brief))


def _link(chart: Path, output: Path | None) -> str:
    """The chart as the report should name it: relative to the report file's folder, so
    the two can be attached to a ticket side by side."""
    import os

    base = output.parent if output is not None else Path.cwd()
    try:
        return os.path.relpath(chart.resolve(), base.resolve())
    except ValueError:  # another drive
        return str(chart)


def _write_chart(path: Path, result: SenderResult) -> None:
    from triage.cli.run import CannotRunFailure
    from triage.report.chart import svg

    timeline = result.deferrals.to_dict()["timeline"] if result.deferrals is not None else []
    try:
        path.write_text(svg(timeline), encoding="utf-8")
    except OSError as exc:
        raise CannotRunFailure(f"cannot write {path}: {exc.strerror or exc}") from None
