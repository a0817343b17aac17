"""Which MTAs' settings advice names: those whose logs were read, else all of them.

A Postfix user in a hurry needs the Postfix line, not four; with raw replies, ESP events
or a Sendmail log there is no telling which of these MTAs sends the mail, so all stay.
"""

from __future__ import annotations

from collections.abc import Iterable

# input formats (parser NAMEs) whose MTA has settings in the data files, in print order
MTAS = ("postfix", "exim", "pmta", "kumo")


def mtas_of(formats: Iterable[str]) -> tuple[str, ...]:
    """The MTAs among ``formats`` (input formats of a deferral sample), else all."""
    seen = set(formats)
    return tuple(m for m in MTAS if m in seen) or MTAS
