"""The spf section: the result line first, then the include tree with its lookup counts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.report.layout import DEFAULT_WIDTH, wrap
from triage.sanitize import clean

LIMIT = 10
_RECORD_WIDTH = 160


def _s(value: object, limit: int = 300) -> str:
    return clean(str(value), limit)


def _md(value: object, limit: int = 300) -> str:
    return clean(str(value), limit).replace("|", "\\|").replace("`", "'")


def text(body: Mapping[str, Any], width: int = DEFAULT_WIDTH) -> list[str]:
    lines = wrap(f"SPF for {_s(body.get('domain'))}", width)
    result = body.get("result")
    if result is None:
        lines.append("  result: (no --ip given: record analysis only)")
    else:
        matched = body.get("matched")
        how = f"  (matched {_s(matched)})" if matched else ""
        lines += wrap(f"{result}{how}", width, "  result: ", "          ")
        helo = body.get("helo")
        lines += wrap(f"ip {_s(body.get('ip'))}, sender {_s(body.get('sender'))}, "
                      f"helo {_s(helo) if helo is not None else '(not given)'}",
                      width, "  for:    ")
        if body.get("explanation") is not None:
            lines += wrap(_s(body["explanation"], 500), width, "  explanation: ", "    ")
    record = body.get("record")
    lines += wrap(_s(record, _RECORD_WIDTH) if record else "(none)", width, "  record: ",
                  "          ")
    lookups = body.get("lookups")
    if lookups:
        lines += wrap(f"{lookups['dns']} of {LIMIT} DNS-querying terms, "
                      f"{lookups['void']} of 2 void (this evaluation)", width, "  lookups: ",
                      "    ")
    lines += wrap(f"{body.get('tree_lookups')} of {LIMIT} (worst case, whole tree)", width,
                  "  tree_lookups: ", "    ")
    if body.get("tree_void_lookups") is not None:
        who = "every client" if body.get("ip") is None else "this client"
        lines += wrap(f"{body['tree_void_lookups']} of 2 (void for {who}, whole tree)", width,
                      "  tree_void_lookups: ", "    ")
    for node in _nodes(body.get("tree")):
        for v in node.get("void_depends") or []:
            lines += wrap(f"{_s(v['term'])} in {_s(node.get('domain'))} ({_s(v['reason'])})",
                          width, "  void for some clients: ", "    ")
    voids = [q for q in body.get("queries") or [] if q.get("void")]
    for q in voids:
        lines += wrap(f"{_s(q['type'])} {_s(q['name'])} -> {q['status']} "
                      f"(term {_s(q['term'])} in {_s(q['domain'])})", width,
                      "  void lookup: ", "    ")
    tree = body.get("tree")
    if tree:
        lines.append("")
        lines.append("Include tree (lookups per subtree):")
        lines.extend(_tree_lines(tree, "", True, width, root=True))
    return lines


def _nodes(node: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """Every node of the tree, root first."""
    if not node:
        return []
    out = [node]
    for child in node.get("children") or []:
        out.extend(_nodes(child))
    return out


def _label(node: Mapping[str, Any]) -> str:
    status = node.get("status")
    voids = node.get("void") or []
    count = f"[{node.get('lookups')}{f', {len(voids)} void' if voids else ''}]"
    via = f"{_s(node['via'])} -> " if node.get("via") else ""
    head = f"{via}{_s(node.get('domain'))} {count}"
    if status != "ok":
        return f"{head} ({status})"
    return f"{head} {_s(node.get('record'), _RECORD_WIDTH)}"


def _tree_lines(node: Mapping[str, Any], prefix: str, last: bool, width: int,
                root: bool = False) -> list[str]:
    """A node and its subtree; a label longer than the width goes on below its first line,
    under the branch, with the line down to its children drawn beside it."""
    if root:
        first = child_prefix = "  "
    else:
        first = prefix + ("└─ " if last else "├─ ")
        child_prefix = prefix + ("   " if last else "│  ")
    children = node.get("children") or []
    lines = wrap(_label(node), width, first, child_prefix + ("│    " if children else "     "))
    for i, child in enumerate(children):
        lines.extend(_tree_lines(child, child_prefix, i == len(children) - 1, width))
    return lines


def markdown(body: Mapping[str, Any]) -> list[str]:
    result = body.get("result")
    lines = [
        "## SPF",
        "",
        "| | |",
        "|---|---|",
        f"| domain | `{_md(body.get('domain'))}` |",
        f"| result | **{result if result is not None else 'not evaluated (no IP)'}** |",
        f"| matched | `{_md(body.get('matched'))}` |" if body.get("matched") else "| matched | |",
        f"| record | `{_md(body.get('record'), 1000)}` |" if body.get("record") else "| record | |",
        f"| tree lookups | {body.get('tree_lookups')} of {LIMIT} |",
        f"| tree void lookups | {body.get('tree_void_lookups')} of 2 |",
    ]
    lookups = body.get("lookups")
    if lookups:
        lines.append(f"| lookups (evaluation) | {lookups['dns']} DNS, {lookups['void']} void |")
    if body.get("explanation") is not None:
        lines.append(f"| explanation | {_md(body['explanation'], 500)} |")
    tree = body.get("tree")
    if tree:
        lines += ["", "### Include tree", ""]
        lines.extend(_md_tree(tree, 0))
    return lines


def _md_tree(node: Mapping[str, Any], depth: int) -> list[str]:
    indent = "  " * depth
    via = f"`{_md(node['via'])}` → " if node.get("via") else ""
    status = "" if node.get("status") == "ok" else f" ({node.get('status')})"
    voids = len(node.get("void") or [])
    void = f", {voids} void" if voids else ""
    lines = [f"{indent}- {via}`{_md(node.get('domain'))}` — {node.get('lookups')} lookups{void}"
             f"{status}"]
    for child in node.get("children") or []:
        lines.extend(_md_tree(child, depth + 1))
    return lines
