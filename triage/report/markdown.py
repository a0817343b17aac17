"""Markdown renderer: the same report as a document (an evidence package for ``check``)."""

from __future__ import annotations

from triage.report import markup
from triage.report.model import Report
from triage.report.text import section
from triage.sanitize import clean


def _cell(text: str) -> str:
    return clean(text).replace("|", "\\|")


def render(report: Report) -> str:
    if report.command == "check":
        from triage.report.sections import check

        return "\n".join(check.markdown(report.to_dict())) + "\n"
    lines = [f"# triage {report.command}", ""]
    lines.append(f"Generated {report.generated_at.strftime('%Y-%m-%dT%H:%M:%SZ')}.")
    lines.append("")
    for key, value in report.input.items():
        shown = markup.code(markup.value(value)) if value not in (None, [], "") else markup.NULL
        lines.append(f"- **{key}**: {shown}")
    lines.append("")
    body_renderer = section(report.command, "markdown")
    if body_renderer is not None:
        lines.extend(body_renderer(report.body))
        lines.append("")
    lines.append("## Findings")
    lines.append("")
    if not report.findings:
        lines.append("No findings.")
    else:
        lines.append("| severity | code | message | fix |")
        lines.append("|---|---|---|---|")
        for f in report.findings:
            fix = _cell(f.fix) if f.fix else ""
            lines.append(f"| {f.severity.value} | `{f.code}` | {_cell(f.message)} | {fix} |")
    return "\n".join(lines) + "\n"
