"""The two failures that end a run before its report, each with its exit code.

    TriageError
    ├── InputError   bad input from the user: exit 2, one line, no report
    └── CannotRun    nothing could be checked (output not writable): exit 3

Raised by request parsers and the runner; only the CLI boundary turns them into
an exit status. The message is the one line shown after ``triage:``.
"""

from __future__ import annotations


class TriageError(Exception):
    exit_code = 1


class InputError(TriageError):
    """Bad input from the user (an invalid IP or domain, an unreadable file)."""

    exit_code = 2


class CannotRun(TriageError):
    """The run could not be carried out (e.g. the output cannot be written)."""

    exit_code = 3
