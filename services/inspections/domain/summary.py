"""What an inspection found, counted per target unit and area: the figures of
`inspection.completed` and of the yearly report. Every unit gets all four areas, zeros
included, so a reader never has to guess whether a missing area means "none"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.contracts.events import AreaSummary, InspectionArea, UnitSummary

if TYPE_CHECKING:  # the aggregate summarises itself on completion: no import cycle
    from services.inspections.domain.model import Inspection


def summarize(inspection: Inspection) -> tuple[UnitSummary, ...]:
    area_of = {c.code: c.area for c in inspection.scope}
    summaries = []
    for unit in inspection.targets:
        results = [r for r in inspection.results if r.unit == unit.code]
        areas = tuple(
            AreaSummary(
                area=area,
                compliant=sum(1 for r in results if area_of[r.criterion] is area and r.compliant),
                findings=sum(
                    1 for r in results if area_of[r.criterion] is area and not r.compliant
                ),
            )
            for area in InspectionArea
        )
        summaries.append(UnitSummary(unit=unit, areas=areas))
    return tuple(summaries)
