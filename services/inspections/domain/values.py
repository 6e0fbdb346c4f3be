"""The parts of an inspection: who inspects under which decision, and what they found."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from shared.contracts.events import Severity


class Role(StrEnum):
    HEAD = "head"  # trưởng đoàn
    DEPUTY = "deputy"  # phó trưởng đoàn
    MEMBER = "member"  # thành viên


@dataclass(frozen=True)
class DecidingDocument:
    """The document that sets up the team, e.g. Quyết định số 45/QĐ-SXD."""

    number: str
    symbol: str
    date: dt.date
    issuer: str

    @property
    def reference(self) -> str:
        return f"{self.number}/{self.symbol} ngày {self.date:%d/%m/%Y}"


@dataclass(frozen=True)
class TeamMember:
    name: str
    role: Role
    unit: str


@dataclass(frozen=True)
class Finding:
    severity: Severity
    description: str
    remediation_due: dt.date
    evidence: str = ""
    person: str | None = None


@dataclass(frozen=True)
class Result:
    unit: str
    criterion: str
    inspected_on: dt.date
    recorded_at: dt.datetime
    finding: Finding | None = None  # None: compliant

    @property
    def compliant(self) -> bool:
        return self.finding is None
