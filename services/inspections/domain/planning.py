"""Planning an inspection: the checks a plan must pass before the team sets out.

The unit directory is passed in (the local copy from chidao.org.v1, or None when it
has not arrived yet): the domain decides what a plan needs, the caller fetches data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.inspections.domain.criteria import Criteria
from services.inspections.domain.model import Inspection
from services.inspections.domain.values import DecidingDocument, Role, TeamMember
from shared.contracts.values import UnitRef
from shared.errors import InvalidField


@dataclass(frozen=True)
class Plan:
    agency: str
    title: str
    decision: DecidingDocument
    team: Sequence[TeamMember]
    targets: Sequence[str]
    period_start: dt.date
    period_end: dt.date
    scope: Sequence[str] | None = None  # criteria codes; None: the whole list


def plan_inspection(
    plan: Plan,
    criteria: Criteria,
    directory: Mapping[str, str] | None,
    *,
    id: uuid.UUID,
    at: dt.datetime,
) -> Inspection:
    """A planned inspection, or `InvalidField` naming the first offending field.

    `directory` maps unit code → name; when given, every unit code must be in it."""
    if not plan.title.strip():
        raise InvalidField("an inspection needs a title", "title")
    if plan.period_end < plan.period_start:
        raise InvalidField("the period ends before it starts", "period_end")
    if plan.decision.date > plan.period_start:
        # The team exists only once the decision is signed.
        raise InvalidField(
            f"the deciding document ({plan.decision.reference}) is dated after the "
            f"inspection starts ({plan.period_start:%d/%m/%Y})",
            "decision.date",
        )
    heads = [m for m in plan.team if m.role is Role.HEAD]
    if len(heads) != 1:
        raise InvalidField(
            f"the team needs exactly one head (trưởng đoàn), has {len(heads)}", "team"
        )
    if not plan.targets:
        raise InvalidField("an inspection needs at least one target unit", "targets")

    def unit(code: str, field: str) -> UnitRef:
        if directory is not None and code not in directory:
            raise InvalidField(f"unknown unit '{code}' for agency '{plan.agency}'", field)
        return UnitRef(code=code, name=directory[code] if directory else code)

    for i, member in enumerate(plan.team):
        if not member.name.strip():
            raise InvalidField("a team member needs a name", f"team.{i}.name")
        unit(member.unit, f"team.{i}.unit")
    targets: list[UnitRef] = []
    for i, code in enumerate(plan.targets):
        if code in plan.targets[:i]:
            raise InvalidField(f"unit '{code}' is listed twice", f"targets.{i}")
        targets.append(unit(code, f"targets.{i}"))
    if plan.scope is not None and not plan.scope:
        raise InvalidField("the scope is empty: leave it out to check every criterion", "scope")
    try:
        scope = criteria.select(plan.scope)
    except KeyError as exc:
        code = exc.args[0]
        assert plan.scope is not None
        raise InvalidField(
            f"unknown criterion '{code}' (see GET /v1/criteria)",
            f"scope.{list(plan.scope).index(code)}",
        ) from None
    return Inspection(
        id=id,
        agency=plan.agency,
        title=plan.title.strip(),
        decision=plan.decision,
        team=tuple(plan.team),
        targets=tuple(targets),
        period_start=plan.period_start,
        period_end=plan.period_end,
        scope=scope,
        created_at=at,
    )
