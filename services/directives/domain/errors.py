"""Errors of the directives domain beyond the shared family (`shared.errors`)."""

from __future__ import annotations

from shared.errors import InvalidField


class NotADirective(InvalidField):
    """The text is not a directive at all: `missing` names what was looked for."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = list(missing)
        if not self.missing:
            what = "nothing recognisable"
        elif len(self.missing) == 1:
            what = f"no {self.missing[0]}"
        else:
            what = "no " + ", no ".join(self.missing[:-1]) + f" and no {self.missing[-1]}"
        super().__init__(f"not a directive: {what} found", "text")
