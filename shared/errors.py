"""The one family of errors a service raises on purpose, for every service.

Domain rules and handlers raise these; the HTTP layer maps each class to a status
once (`shared.http.install_error_handlers`), so no route catches them itself:

| class          | meaning                                              | HTTP |
|----------------|------------------------------------------------------|------|
| `NotFound`     | the thing the command names does not exist           | 404  |
| `Conflict`     | valid input, but not in the current state            | 409  |
| `InvalidField` | the input breaks a rule; `field` says where          | 422  |
| `Forbidden`    | the caller may not do this (`code` says why)         | 403  |
| `Unauthenticated` | no token, or one that does not verify             | 401  |

`InvalidField.field` is the path of the offending input inside the command, dotted
("targets.1", "content.assignments.0.deadline.day"); a command's input is the body
of its HTTP request, so the API reports it as `body.<field>`, like the validation
errors pydantic raises on the same body.
"""

from __future__ import annotations

import copy


class DomainError(Exception):
    """Base of every error raised on purpose; anything else is a bug (500)."""


class NotFound(DomainError):
    """The resource the command names does not exist."""


class Conflict(DomainError):
    """The command is well-formed but does not apply in the current state (an invalid
    transition, a second submission of a report that is final)."""


class InvalidTransition(Conflict):
    """The aggregate cannot go from its current status to the one asked for."""


class InvalidField(DomainError):
    """The input breaks a rule of the domain; `field` is where, relative to the command."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def within(self, prefix: str) -> InvalidField:
        """The same error, its field seen from a command that holds this input at `prefix`."""
        moved = copy.copy(self)
        moved.field = f"{prefix}.{self.field}" if self.field else prefix
        return moved


class Forbidden(DomainError):
    """The caller is known but may not do this. The message is for the person (in
    Vietnamese); `code` is for programs (English, stable)."""

    def __init__(self, message: str, code: str = "forbidden") -> None:
        super().__init__(message)
        self.code = code


class Unauthenticated(DomainError):
    """No identity: the request has no bearer token, or one that does not verify."""
