"""Errors of the inspections domain; the HTTP layer maps each to a status code."""

from __future__ import annotations


class InspectionError(Exception):
    """Base of every error the inspections domain raises on purpose."""


class Invalid(InspectionError):
    """The input breaks a rule (422). `field` is the path of the offending input in the
    command, e.g. 'targets.1' or '0.criterion', so the API can point at it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidTransition(InspectionError):
    """The command does not apply in the current state (409)."""
