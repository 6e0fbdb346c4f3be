"""Which unit takes over a task when a directory change retires its lead unit.

`org.units_succeeded` lists what became of units: a unit-level entry names one unit, an
agency-level entry (`from_unit` None) every other unit of an agency merged as a whole.
The unit's own entry wins over its agency's."""

from __future__ import annotations

from collections.abc import Sequence

from shared.contracts.events import Succession, SuccessionKind
from shared.contracts.values import UnitRef

KIND_VN = {
    SuccessionKind.RENAMED: "đổi tên thành",
    SuccessionKind.MERGED: "hợp nhất vào",
    SuccessionKind.DISSOLVED: "giải thể; công việc chuyển cho",
}


def successor(
    successions: Sequence[Succession], agency: str, unit: str | None, *, whole: bool = True
) -> Succession | None:
    """The succession that says who takes over `unit` of `agency`, if any does; with
    `whole=False` only one that names the unit (not its agency's catch-all)."""
    own = [s for s in successions if s.from_agency == agency and s.from_unit == unit]
    rest = [s for s in successions if s.from_agency == agency and s.from_unit is None]
    for found in (own, rest if whole else []):
        if found:
            return found[0] if found[0].to_unit is not None else None
    return None


def target(s: Succession) -> tuple[str, UnitRef]:
    """The successor's agency and unit (its name as the new directory writes it)."""
    assert s.to_unit is not None and s.to_agency is not None
    return s.to_agency, UnitRef(code=s.to_unit, name=s.to_name or s.to_unit)


def agencies(successions: Sequence[Succession]) -> list[str]:
    """The agencies whose open tasks a change may move, each once."""
    return list(dict.fromkeys(s.from_agency for s in successions if s.to_unit is not None))
