"""The criteria an inspection checks, grouped by the four areas of Decision 1847.

The list is configuration (`criteria/qd-1847.yaml`), read once at start by
`load_criteria`, the only I/O of the domain: a department adapts its checklist without
a code change. An inspection keeps a copy of the criteria in its scope, so a later edit
of the list never rewrites a past inspection.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.events import InspectionArea

# Codes travel in URLs, Kafka events and reports: ASCII, upper case, dash-separated.
CODE_RE = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    area: InspectionArea


class CriteriaError(ValueError):
    """The criteria file is not usable; the service refuses to start with it."""


class Criteria:
    """An ordered list of criteria: the file's order, which is the order of the areas."""

    def __init__(self, criteria: Iterable[Criterion], source: str = "") -> None:
        self.all = tuple(criteria)
        self.source = source
        self._by_code = {c.code: c for c in self.all}
        if len(self._by_code) != len(self.all):
            raise CriteriaError("criterion codes must be unique")
        missing = [a.value for a in InspectionArea if not self.in_area(a)]
        if missing:
            raise CriteriaError(f"no criteria for area(s): {', '.join(missing)}")

    def in_area(self, area: InspectionArea) -> tuple[Criterion, ...]:
        return tuple(c for c in self.all if c.area is area)

    def get(self, code: str) -> Criterion | None:
        return self._by_code.get(code)

    def select(self, codes: Iterable[str] | None) -> tuple[Criterion, ...]:
        """The criteria with these codes in list order (all when None); `KeyError`
        names the first unknown code."""
        if codes is None:
            return self.all
        wanted = list(codes)
        for code in wanted:
            if code not in self._by_code:
                raise KeyError(code)
        return tuple(c for c in self.all if c.code in set(wanted))


class _CriterionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE_RE.pattern)
    title: str = Field(min_length=1)


class _CriteriaFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = ""
    areas: dict[InspectionArea, list[_CriterionFile]]


def load_criteria(path: str | Path) -> Criteria:
    """Read and validate a criteria YAML file."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    data = _CriteriaFile.model_validate(raw)
    return Criteria(
        (
            Criterion(code=c.code, title=c.title.strip(), area=area)
            for area in InspectionArea  # contract order, whatever the file's order
            for c in data.areas.get(area, [])
        ),
        source=data.source,
    )
