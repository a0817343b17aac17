"""JUnit XML of a fleet: one testsuite per sender, one testcase per check and per
expectation.

A check's testcase fails (``<failure>``) with each of its findings at or above the
sender's ``--fail-on``, message and fix; a check that could not be completed (its
lookups failed) is an ``<error type="inconclusive">``; the ``verdict`` testcase carries
the verdict's own findings (``verdict.inconclusive``, ``verdict.replay_missing``).
Suites are spooled to a temporary file as senders finish and written in file order
at the end, so the output is the same however the senders were scheduled or sharded,
and memory does not grow with the fleet. The shape is that of the JUnit XSD CI
systems read (Jenkins' junit-10.xsd): tests/junit-10.xsd checks it.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

BASE_CHECKS = ("spf", "dkim", "dmarc", "rdns", "helo", "dnsbl")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
THRESHOLD = {"error": ("error",), "warning": ("error", "warning"), "never": ()}


def _text(value: object) -> str:
    return _NOT_XML.sub("?", str(value))


def _attr(value: object) -> str:
    return quoteattr(_text(value))


def _checks(line: Mapping[str, Any]) -> list[str]:
    names = list(BASE_CHECKS)
    if line.get("deferrals") is not None:
        names.append("deferrals")
    checks = line.get("checks") or {}
    for extra in ("posture", "snds"):
        if checks.get(extra) is not None:
            names.append(extra)
    for f in line.get("findings") or []:
        if f["check"] not in names and f["check"] not in ("expect", "verdict"):
            names.append(f["check"])
    return [*names, "verdict"]


def _detail(findings: list[Mapping[str, Any]]) -> str:
    parts = []
    for f in findings:
        fix = f"\nfix: {f['fix']}" if f.get("fix") else ""
        parts.append(f"{f['code']} ({f['severity']}): {f['message']}{fix}")
    return "\n\n".join(parts)


def _case(classname: str, name: str, failing: list[Mapping[str, Any]],
          inconclusive: bool) -> tuple[str, int, int]:
    head = f"    <testcase classname={_attr(classname)} name={_attr(name)}"
    if failing:
        first = failing[0]
        kind = "error" if name == "verdict" else "failure"
        body = (f"      <{kind} message={_attr(first['message'])} type={_attr(first['code'])}>"
                f"{escape(_text(_detail(failing)))}</{kind}>\n")
        return f"{head}>\n{body}    </testcase>\n", kind == "failure", kind == "error"
    if inconclusive:
        body = (f"      <error message={_attr(f'{name}: could not be checked')} "
                f"type=\"inconclusive\"/>\n")
        return f"{head}>\n{body}    </testcase>\n", 0, 1
    return f"{head}/>\n", 0, 0


def suite(line: Mapping[str, Any]) -> tuple[str, int, int, int]:
    """One sender's testsuite and its (tests, failures, errors)."""
    sender = line["sender"]
    levels = THRESHOLD.get(sender.get("fail_on", "error"), ("error",))
    findings = line.get("findings") or []
    unsure = {r["check"] for r in line.get("overview") or [] if r.get("status") == "inconclusive"}
    classname = f"triage.fleet.{sender['name']}"
    cases: list[str] = []
    failures = errors = 0
    for check in _checks(line):
        failing = [f for f in findings if f["check"] == check and f["severity"] in levels]
        if check == "verdict":
            failing = [f for f in findings if f["check"] == "verdict"
                       and f["severity"] == "error"]
        text, failed, erred = _case(classname, check, failing, check in unsure)
        cases.append(text)
        failures, errors = failures + failed, errors + erred
    for outcome in sender.get("expectations") or []:
        code = f"expect.{outcome['key']}"
        failing = [f for f in findings if f["code"] == code]
        text, failed, erred = _case(classname, code, failing if not outcome["met"] else [], False)
        cases.append(text)
        failures, errors = failures + failed, errors + erred
    head = (f"  <testsuite name={_attr(sender['name'])} tests=\"{len(cases)}\" "
            f"failures=\"{failures}\" errors=\"{errors}\" id=\"{int(sender['index'])}\">\n")
    return head + "".join(cases) + "  </testsuite>\n", len(cases), failures, errors


class JunitWriter:
    """Collects suites in any order; ``close`` writes them in file order to ``path``."""

    def __init__(self, path: Path) -> None:
        self._path = path
        # closed in close(): it lives as long as the run
        self._spool: IO[bytes] = tempfile.TemporaryFile("w+b")  # noqa: SIM115
        self._where: list[tuple[int, int, int]] = []  # (index, offset, length)
        self._totals = [0, 0, 0]

    def add(self, line: Mapping[str, Any]) -> None:
        self._add(int(line["sender"]["index"]), *suite(line))

    def add_crash(self, index: int, name: str, message: str) -> None:
        """A sender that could not be checked at all: one testcase in error."""
        text = (f"  <testsuite name={_attr(name)} tests=\"1\" failures=\"0\" errors=\"1\" "
                f"id=\"{index}\">\n    <testcase classname={_attr(f'triage.fleet.{name}')} "
                f"name=\"check\">\n      <error message={_attr(message)} type=\"crash\"/>\n"
                f"    </testcase>\n  </testsuite>\n")
        self._add(index, text, 1, 0, 1)

    def _add(self, index: int, text: str, tests: int, failures: int, errors: int) -> None:
        data = text.encode("utf-8")
        self._where.append((index, self._spool.tell(), len(data)))
        self._spool.write(data)
        for i, n in enumerate((tests, failures, errors)):
            self._totals[i] += n

    def close(self) -> None:
        """Write the file (OSError when it cannot be written)."""
        tests, failures, errors = self._totals
        try:
            with self._path.open("wb") as out:
                out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
                out.write(f'<testsuites name="triage fleet" tests="{tests}" '
                          f'failures="{failures}" errors="{errors}">\n'.encode())
                for _, offset, length in sorted(self._where):
                    self._spool.seek(offset)
                    out.write(self._spool.read(length))
                out.write(b"</testsuites>\n")
        finally:
            self._spool.close()
