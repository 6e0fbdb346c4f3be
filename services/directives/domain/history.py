"""Directory versions: which units an agency had on a given day, and what became of
the units a reorganisation renamed, merged or dissolved.

Each YAML file is one version of one agency's directory. The 2020 files carry no
`valid_from` (the first version); a later file says when it took effect and, under
`changes:`, what became of the units of earlier versions that it no longer has (its
own agency's, or another agency's when departments merge):

    valid_from: 2025-03-01
    changes:
      - {agency: sgtvt-thanhhoa, unit: VP, kind: merged, to: VP}
      - {agency: sgtvt-thanhhoa, kind: merged, to: VP}   # every other unit of SGTVT

An agency that another version's change covers as a whole (no `unit`) ends on that
day. Configuration that points at nothing is refused at load, naming the file and
the unit: history is what old tasks and reports are read against, so it must hold.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from services.directives.domain.directory import UnitDirectory, load_directory
from shared.contracts.events import OrgUnitsSucceeded, Succession, SuccessionKind

# The first version of a directory has no date; it sorts before every dated one.
_FIRST = dt.date.min


class DirectoryConfigError(ValueError):
    """A directory file that cannot be read or whose history does not hold."""


def _start(d: UnitDirectory) -> dt.date:
    return d.valid_from or _FIRST


@dataclass(frozen=True)
class Version:
    directory: UnitDirectory
    source: str  # the file it came from, for error messages


@dataclass
class DirectoryHistory:
    """Every version of every agency's directory, validated together."""

    versions: dict[str, list[Version]] = field(default_factory=dict)  # oldest first
    ends: dict[str, dt.date] = field(default_factory=dict)  # agencies merged away

    @classmethod
    def load(cls, folder: Path) -> DirectoryHistory:
        """Every `*.yaml` under `folder` (a subfolder per reorganisation, by convention)."""
        loaded = []
        for path in sorted(folder.rglob("*.yaml")):
            try:
                loaded.append(Version(load_directory(path), path.relative_to(folder).as_posix()))
            except ValidationError as exc:
                raise DirectoryConfigError(f"{path.name}: {exc}") from None
        return cls.of(loaded)

    @classmethod
    def of(cls, versions: Iterable[Version]) -> DirectoryHistory:
        by_agency: dict[str, list[Version]] = defaultdict(list)
        for v in versions:
            by_agency[v.directory.code].append(v)
        history = cls(
            {a: sorted(vs, key=lambda v: _start(v.directory)) for a, vs in by_agency.items()}
        )
        history._validate()
        return history

    # --- reading --------------------------------------------------------------------

    def newest(self) -> list[UnitDirectory]:
        """The latest version of every agency (today's behaviour for undated letters)."""
        return [vs[-1].directory for vs in self.versions.values()]

    def on(self, agency: str, day: dt.date) -> UnitDirectory | None:
        """The directory of `agency` in force on `day`; None before its first version or
        after it was merged away."""
        if agency in self.ends and day >= self.ends[agency]:
            return None
        found = [v.directory for v in self.versions.get(agency, ()) if _start(v.directory) <= day]
        return found[-1] if found else None

    def version_days(self) -> list[dt.date]:
        """Every day a version took effect, oldest first."""
        return sorted({_start(v.directory) for vs in self.versions.values() for v in vs})

    def all_on(self, day: dt.date) -> list[UnitDirectory]:
        return [d for a in self.versions if (d := self.on(a, day)) is not None]

    def successions(self) -> list[OrgUnitsSucceeded]:
        """One event per version that changed units: explicit changes, and the implicit
        renames (same code, new name) of the agency's own units."""
        events = []
        for vs in self.versions.values():
            for before, after in itertools.pairwise(vs):
                events.append(self._succession(before.directory, after.directory))
            first = vs[0].directory
            if first.changes and first.valid_from is not None:  # a new agency's first version
                events.append(self._succession(None, first))
        return [e for e in events if e.successions]

    def _succession(self, before: UnitDirectory | None, after: UnitDirectory) -> OrgUnitsSucceeded:
        assert after.valid_from is not None  # _validate: a version with changes is dated
        day = after.valid_from
        found: list[Succession] = []
        named: set[tuple[str, str | None]] = set()
        for c in after.changes:
            agency = c.agency or after.code
            target_agency = (c.to_agency or after.code) if c.to else c.to_agency
            old = self.on(agency, day - dt.timedelta(days=1))
            new = self.on(target_agency, day) if target_agency else None
            old_unit = old.by_code(c.unit) if old and c.unit else None
            new_unit = new.by_code(c.to) if new and c.to else None
            named.add((agency, c.unit))
            found.append(
                Succession(
                    kind=SuccessionKind(c.kind),
                    from_agency=agency,
                    from_unit=c.unit,
                    from_name=old_unit.name if old_unit else (old.name if old else None),
                    to_agency=target_agency if c.to else None,
                    to_unit=c.to,
                    to_name=new_unit.name if new_unit else None,
                    note=c.note,
                )
            )
        if before is not None:
            for unit in before.units:
                now = after.by_code(unit.code)
                if now and now.name != unit.name and (after.code, unit.code) not in named:
                    found.append(
                        Succession(
                            kind=SuccessionKind.RENAMED,
                            from_agency=after.code,
                            from_unit=unit.code,
                            from_name=unit.name,
                            to_agency=after.code,
                            to_unit=unit.code,
                            to_name=now.name,
                        )
                    )
        return OrgUnitsSucceeded(agency=after.code, effective=day, successions=tuple(found))

    # --- validation -----------------------------------------------------------------

    def _validate(self) -> None:
        for v in self._all():
            if v.directory.valid_from is None and v.directory.changes:
                raise DirectoryConfigError(f"{v.source}: changes need a valid_from date")
        for vs in self.versions.values():
            starts = [_start(v.directory) for v in vs]
            if len(set(starts)) != len(starts):
                raise DirectoryConfigError(
                    f"{', '.join(v.source for v in vs)}: two versions of "
                    f"{vs[0].directory.code} take effect on the same day"
                )
        # First the ends (a later check asks which agencies exist on a day).
        for v in self._all():
            for c in v.directory.changes:
                if c.unit is None and c.agency and c.agency != v.directory.code:
                    assert v.directory.valid_from is not None
                    self.ends[c.agency] = v.directory.valid_from
        for v in self._all():
            self._check_version(v)

    def _all(self) -> list[Version]:
        return [v for vs in self.versions.values() for v in vs]

    def _check_version(self, v: Version) -> None:
        d = v.directory
        if d.valid_from is None:
            return
        day, eve = d.valid_from, d.valid_from - dt.timedelta(days=1)
        covered: set[tuple[str, str | None]] = set()
        for c in d.changes:
            agency = c.agency or d.code
            where = f"{v.source}: change of {agency}/{c.unit or '*'}"
            old = self.on(agency, eve)
            if old is None:
                raise DirectoryConfigError(
                    f"{where}: agency {agency} has no directory before {day:%d/%m/%Y}"
                )
            if c.unit is not None and old.by_code(c.unit) is None:
                raise DirectoryConfigError(
                    f"{where}: {agency} has no unit {c.unit} before {day:%d/%m/%Y}"
                )
            if c.kind in ("renamed", "merged") and c.to is None:
                raise DirectoryConfigError(f"{where}: {c.kind} needs `to` (the successor unit)")
            if c.to is not None:
                target = c.to_agency or d.code
                new = self.on(target, day)
                if new is None or new.by_code(c.to) is None:
                    raise DirectoryConfigError(
                        f"{where}: {c.kind} into {target}/{c.to}, which does not exist "
                        f"on {day:%d/%m/%Y}"
                    )
            covered.add((agency, c.unit))
        previous = self.on(d.code, eve)
        if previous is None:
            return
        for unit in previous.units:
            gone = d.by_code(unit.code) is None
            if gone and (d.code, unit.code) not in covered and (d.code, None) not in covered:
                raise DirectoryConfigError(
                    f"{v.source}: unit {d.code}/{unit.code} ({unit.name}) is not in the "
                    f"version of {day:%d/%m/%Y} and no change says what became of it"
                )
