"""The province's view: the submitted annual reports of its agencies, summed.

Input: the agencies' submissions as `report.submitted` carries them
(`ReportSubmitted.model_dump(mode="json")`: agency, year, province, submitted_at,
on_time, report). An agency that resubmits is counted once, with its latest
submission. The sums read only the figures' `value`s of the JSON form, so the rollup
works on what the province received, not on any agency's internal data.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from services.reporting.domain.text import fold, percent

# (output key, path in the report's JSON form) of every summed figure.
SUMMED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tasks_total", ("tasks", "total")),
    ("done_on_time", ("tasks", "done_on_time")),
    ("done_late", ("tasks", "done_late")),
    ("open_in_deadline", ("tasks", "open_in_deadline")),
    ("open_overdue", ("tasks", "open_overdue")),
    ("tasks_cancelled", ("tasks", "cancelled")),
    ("dissemination_units_total", ("dissemination", "units_total")),
    ("dissemination_units_confirmed", ("dissemination", "units_confirmed")),
    ("staff_total", ("dissemination", "staff_total")),
    ("staff_reached", ("dissemination", "staff_reached")),
    ("inspections", ("inspections", "inspections")),
    ("units_inspected", ("inspections", "units_inspected")),
    ("findings", ("inspections", "findings")),
    ("findings_resolved", ("inspections", "resolved")),
    ("findings_resolved_on_time", ("inspections", "resolved_on_time")),
)
CATEGORIES = ("done_on_time", "done_late", "open_in_deadline", "open_overdue")


def _value(report: Mapping[str, Any], path: tuple[str, ...]) -> int:
    """A figure's value, 0 when the form lacks it (an older or partial form)."""
    node: Any = report
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    value = node.get("value") if isinstance(node, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _latest(submissions: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    by_agency: dict[str, Mapping[str, Any]] = {}
    for s in sorted(submissions, key=lambda s: (str(s["submitted_at"]), str(s["agency"]))):
        by_agency[str(s["agency"])] = s
    return [by_agency[a] for a in sorted(by_agency)]


def province_rollup(
    province: str, year: int, submissions: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    chosen = _latest(
        [
            s
            for s in submissions
            if int(s["year"]) == year and fold(str(s["province"])) == fold(province)
        ]
    )
    totals = {key: sum(_value(s["report"], path) for s in chosen) for key, path in SUMMED}
    return {
        "province": province,
        "year": year,
        "agencies": [
            {
                "agency": s["agency"],
                "agency_name": s["report"].get("agency_name", s["agency"]),
                "submitted_at": s["submitted_at"],
                "on_time": s["on_time"],
            }
            for s in chosen
        ],
        "submitted": len(chosen),
        "submitted_on_time": sum(1 for s in chosen if s["on_time"]),
        "totals": totals,
        "percentages": {
            **{c: percent(totals[c], totals["tasks_total"]) for c in CATEGORIES},
            "staff_reached": percent(totals["staff_reached"], totals["staff_total"]),
            "findings_resolved": percent(totals["findings_resolved"], totals["findings"]),
        },
    }
