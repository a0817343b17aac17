"""Render docs/deferral-classes.md from the reply data files, so the page cannot drift.

Policy: the classes, providers, named blocklists, rules and sources tables are written
from ``deferral_classes.toml``, ``providers.toml`` and ``reply_rules.toml``; only the
prose between them lives in ``deferral_doc.toml``. ``python3 -m triage.deferrals.ruledoc``
rewrites the page; ``--check`` exits 1 when the page differs from what the data says (the
tests do the same).
"""

from __future__ import annotations

import sys
from pathlib import Path

from triage.data import load as load_data
from triage.deferrals import providers as providers_mod
from triage.deferrals import rules as rules_mod
from triage.deferrals.providers import ProviderTable
from triage.deferrals.rules import Rule, RuleTable

DOC = Path("docs") / "deferral-classes.md"
PROSE_FILE = "deferral_doc.toml"  # the prose between the generated tables






def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return f"`{_cell(text)}`"


def _conditions(rule: Rule) -> str:
    parts = []
    if rule.local is not None:
        parts.append(f"local: {'yes' if rule.local else 'no'}")
    if rule.codes:
        parts.append("code: " + ", ".join(str(c) for c in sorted(rule.codes)))
    if rule.reply_class is not None:
        parts.append(f"reply: {rule.reply_class}xx" if rule.reply_class else "reply: no code")
    if rule.enhanced:
        parts.append("enhanced: " + ", ".join(
            ".".join(map(str, lo)) + ("" if lo == hi else "-" + ".".join(map(str, hi)))
            for lo, hi in rule.enhanced))
    if rule.tokens:
        parts.append("token: " + ", ".join(sorted(rule.tokens)))
    if rule.providers:
        parts.append("provider: " + ", ".join(sorted(rule.providers)))
    if rule.pattern is not None:
        parts.append("text: " + ("any named blocklist" if rule.id.startswith("blocklist.named")
                                 else _code(rule.pattern)))
    return "; ".join(parts) or "(anything)"


def _action(rule: Rule) -> str:
    out = rule.action
    if rule.action_4xx:
        out += f"; 4xx: {rule.action_4xx}"
    if rule.action_5xx:
        out += f"; 5xx: {rule.action_5xx}"
    return out


def _transient(rule: Rule) -> str:
    if rule.will_not_clear:
        return "no (will not clear)"
    return "by code" if rule.transient is None else ("yes" if rule.transient else "no")


def render(table: RuleTable, providers: ProviderTable) -> str:
    prose = load_data(PROSE_FILE)
    out = [prose["intro"], "## Classes\n",
           "A class finding's fix is the advice of the rule that matched most of its "
           "replies; the class's general fix follows only for the class's other replies "
           "(when they came from several rules), then what never to do, said once, then "
           "the settings (the indented lines) of the MTAs whose logs were read; of all "
           "four when none was (raw replies, ESP events, Sendmail).\n"]
    for cls in rules_mod.CLASSES:
        info = table.classes[cls]
        out.append(f"### `{cls}` — {info.title}\n\n{info.description}\n\n"
                   f"- Finding: {f'`{info.finding}`' if info.finding else '—'}\n"
                   f"- Fix: {info.fix}\n"
                   + "".join(f"  - {text}\n" for text in info.mta.values())
                   + (f"- Never-do clause: {info.never}\n" if info.never else "")
                   + f"- Sources: {', '.join(info.sources)}\n")
    rows = [
        f"| `{p.id}` | {p.group} | {p.kind} | {_cell(p.name)} | {', '.join(p.hosts) or '—'} | "
        f"{', '.join(_code(f) for f in p.patterns) or '—'} | {', '.join(sorted(p.domains)) or '—'}"
        f" | {', '.join(p.sources)} |" for p in providers.providers]
    out.append(prose["providers"] + "\n".join(rows) + "\n")
    out.append(prose["actions"])
    out.append("## Named blocklists\n\nA reply that names one of these lists is class "
               "`blocklist` (rule `blocklist.named`); `explain` gives the list's delisting "
               "page. Tried in order.\n\n| list | name | text | delisting page | examples "
               "| sources |\n|---|---|---|---|---|---|")
    for b in table.blocklists:
        out.append(f"| `{b.id}` | {_cell(b.name)} | {_code(b.pattern)} | {b.delist_url} | "
                   f"{len(b.examples)} | {', '.join(b.sources)} |")
    out.append("\n## Rules, in order\n\n| # | rule id | conditions | class | action | "
               "transient | examples | sources |\n|---|---|---|---|---|---|---|---|")
    for i, rule in enumerate(table.rules, 1):
        examples = ", ".join(f"[{j}]({ex.source})" + (" (documented)" if ex.documented else "")
                             for j, ex in enumerate(rule.examples, 1))
        out.append(f"| {i} | `{rule.id}` | {_conditions(rule)} | {rule.cls} | "
                   f"{_action(rule)} | {_transient(rule)} | {examples} | "
                   f"{', '.join(rule.sources)} |")
    out.append("\n" + prose["sources"] + "\n".join(f"| {tag} | {_cell(text)} |"
                                           for tag, text in sorted(table.sources)))
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    """Write the page (or, with --check, say whether it is current)."""
    check = "--check" in argv
    paths = [a for a in argv if not a.startswith("--")]
    path = Path(paths[0]) if paths else DOC
    text = render(rules_mod.load(validate=True, examples=True), providers_mod.load(validate=True))
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is out of date: run python3 -m triage.deferrals.ruledoc",
                  file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
