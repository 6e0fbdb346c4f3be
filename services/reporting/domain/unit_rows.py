"""The per-unit table: one row per unit of the directory that does the work.

Leadership (it assigns the work) and external bodies (UBND tỉnh, Sở Nội vụ: they
receive the report) have no row. A unit with nothing to report still gets its row of
zeros: the Office checks the table against the directory, and a missing unit reads
as a forgotten one.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.reporting.domain.inspection_figures import InspectionFacts
from services.reporting.domain.model import UnitRow, figure
from services.reporting.domain.task_figures import counts, is_dissemination
from services.reporting.domain.task_status import Category, TaskState
from shared.contracts.values import Unit, UnitKind

NO_ROW = (UnitKind.LEADERSHIP, UnitKind.EXTERNAL)


def unit_rows(
    units: Sequence[Unit], states: Sequence[TaskState], inspections: InspectionFacts
) -> list[UnitRow]:
    inspected = inspections.inspected()
    rows = []
    for unit in units:
        if unit.kind in NO_ROW:
            continue
        mine = [s for s in states if s.unit == unit.code]
        spread = [s for s in mine if is_dissemination(s) and s.category is not Category.CANCELLED]
        done = [s for s in spread if s.completed is not None]
        confirmed = None if not spread else len(done) == len(spread)
        people = sum((s.completed.staff_reached or 0) for s in done if s.completed)
        reached = people if spread else None
        findings = [f for f in inspections.findings if f.unit == unit.code]
        resolved = [f for f in findings if f.resolved]
        rows.append(
            UnitRow(
                code=unit.code,
                name=unit.name,
                kind=unit.kind.value,
                tasks=counts(mine),
                dissemination_confirmed=figure(confirmed, (i for s in spread for i in s.event_ids)),
                staff_reached=figure(reached, (i for s in done for i in s.event_ids)),
                inspected=figure(unit.code in inspected, inspected.get(unit.code, [])),
                findings=figure(len(findings), (f.event_id for f in findings)),
                findings_resolved=figure(
                    len(resolved), (f.resolved[0] for f in resolved if f.resolved)
                ),
            )
        )
    return rows
