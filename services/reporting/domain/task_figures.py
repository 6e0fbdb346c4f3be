"""Task and dissemination figures from the task states at the cut-off."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from services.reporting.domain.model import (
    Dissemination,
    Figure,
    Share,
    TaskCounts,
    TaskFigures,
    UnitLabel,
    UnitTasks,
    figure,
)
from services.reporting.domain.task_status import Category, TaskState
from services.reporting.domain.text import mentions, percent
from shared.contracts.values import Unit

DISSEMINATION_PHRASES = ("quán triệt", "tuyên truyền, phổ biến")


def is_dissemination(state: TaskState) -> bool:
    return state.assigned.directive_id is not None and mentions(
        state.assigned.action, *DISSEMINATION_PHRASES
    )


def _ids(states: Iterable[TaskState]) -> list[str]:
    return [i for s in states for i in s.event_ids]


def counts(states: Sequence[TaskState]) -> TaskCounts:
    """The four categories of non-cancelled tasks, with shares of their total."""
    live = [s for s in states if s.category is not Category.CANCELLED]

    def share(category: Category) -> Share:
        chosen = [s for s in live if s.category is category]
        return Share(
            value=len(chosen),
            percent=percent(len(chosen), len(live)),
            event_ids=sorted(set(_ids(chosen))),
        )

    return TaskCounts(
        total=figure(len(live), _ids(live)),
        done_on_time=share(Category.DONE_ON_TIME),
        done_late=share(Category.DONE_LATE),
        open_in_deadline=share(Category.OPEN_IN_DEADLINE),
        open_overdue=share(Category.OPEN_OVERDUE),
    )


def _label(state: TaskState) -> UnitLabel:
    return UnitLabel(code=state.assigned.lead_unit.code, name=state.assigned.lead_unit.name)


def task_figures(states: Sequence[TaskState]) -> TaskFigures:
    cancelled = [s for s in states if s.category is Category.CANCELLED]
    units: dict[str, list[TaskState]] = {}
    for s in sorted(states, key=lambda s: s.unit):
        units.setdefault(s.unit, []).append(s)
    per_unit = [
        UnitTasks(unit=_label(group[0]), **dict(counts(group)))
        for group in units.values()
        if any(s.category is not Category.CANCELLED for s in group)
    ]
    overall = counts(states)
    return TaskFigures(
        **dict(overall),
        cancelled=figure(len(cancelled), _ids(cancelled)),
        per_unit=per_unit,
    )


def dissemination(
    states: Sequence[TaskState], units: Mapping[str, Unit], directory_event: str | None
) -> Dissemination:
    """Coverage of "quán triệt, tuyên truyền, phổ biến": a unit is confirmed when every
    dissemination task it leads was completed by the cut-off."""
    tasks = [s for s in states if is_dissemination(s) and s.category is not Category.CANCELLED]
    by_unit: dict[str, list[TaskState]] = {}
    for s in sorted(tasks, key=lambda s: s.unit):
        by_unit.setdefault(s.unit, []).append(s)
    done = (Category.DONE_ON_TIME, Category.DONE_LATE)
    confirmed = {k: g for k, g in by_unit.items() if all(s.category in done for s in g)}
    pending = {k: g for k, g in by_unit.items() if k not in confirmed}
    staff_total = sum((units[k].staff or 0) for k in by_unit if k in units)
    reached = [s for s in tasks if s.completed is not None and s.completed.staff_reached]
    staff_reached = sum((s.completed.staff_reached or 0) for s in reached if s.completed)
    return Dissemination(
        units_total=figure(len(by_unit), _ids(tasks)),
        units_confirmed=figure(len(confirmed), _ids(s for g in confirmed.values() for s in g)),
        units_not_confirmed=Figure[list[UnitLabel]](
            value=[_label(g[0]) for g in pending.values()],
            event_ids=sorted(set(_ids(s for g in pending.values() for s in g))),
        ),
        staff_total=figure(staff_total, [directory_event] if directory_event else []),
        staff_reached=figure(staff_reached, _ids(reached)),
        staff_reached_percent=percent(staff_reached, staff_total),
    )
