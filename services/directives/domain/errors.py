"""Errors of the directives domain; the HTTP layer maps each to a status code."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the directives domain raises on purpose."""


class NotADirective(DomainError):
    """The text is not a directive at all (422): `missing` names what was looked for."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = list(missing)
        if not self.missing:
            what = "nothing recognisable"
        elif len(self.missing) == 1:
            what = f"no {self.missing[0]}"
        else:
            what = "no " + ", no ".join(self.missing[:-1]) + f" and no {self.missing[-1]}"
        super().__init__(f"not a directive: {what} found")
