"""The unit directory of one agency, and matching of unit names as documents write them.

A directory is configuration, one YAML file per agency (see `directories/`):

    agency: {code: sxd-thanhhoa, name: Sở Xây dựng, short_name: SXD, province: Thanh Hóa}
    units:
      - {code: VP, name: Văn phòng Sở, kind: office, aliases: [Văn phòng], staff: 14}

Documents name units loosely ("Văn phòng sở", "VP", "Chánh Văn phòng Sở") or generically
("Trưởng các phòng chuyên môn"); matching works on a folded form (lower case, no
diacritics) so that typing and casing variants meet.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from shared.contracts.values import Unit, UnitKind

_DASHES = {"\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _DASHES:
        return "-"
    if char in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    low = base.lower()
    # One output char per input char keeps offsets valid between a text and its fold.
    return low if len(low) == 1 else char


def fold(text: str) -> str:
    """Lower case without diacritics, same length as `text` (offsets carry over)."""
    return "".join(_fold_char(c) for c in text)


def canon(text: str) -> str:
    """Folded, single-spaced, dashes without spaces: the form aliases are compared in."""
    folded = fold(unicodedata.normalize("NFC", text))
    folded = re.sub(r"\s*-\s*", "-", folded)
    return re.sub(r"\s+", " ", folded).strip(" .,;:")


# Head titles written before a unit ("Trưởng các phòng", "Chánh Văn phòng Sở", "Người
# đứng đầu các cơ quan", "đồng chí Chủ tịch UBND huyện"), with their deputies ("Phó …").
# A head named after the kind of body it heads comes before a body of that kind: "Cục
# trưởng Cục Thuế", "Chi cục trưởng Chi cục Kiểm lâm", "Hạt trưởng Hạt Kiểm lâm".
TITLE_RE = re.compile(
    r"(?:dong chi )?(?:pho )?(?:tong giam doc|giam doc|thu truong|truong|chanh|vien truong"
    r"|hieu truong|chu tich|bi thu|lanh dao|nguoi dung dau|chi huy truong|chu nhiem"
    r"|(?P<kind>cuc|chi cuc|hat|doi|tram|to|thon|xom|khoi|ban) truong(?= (?P=kind) )) "
)
_INTERNAL = (UnitKind.OFFICE, UnitKind.INSPECTORATE, UnitKind.DIVISION, UnitKind.AFFILIATED)
_PHONG_BAN = (UnitKind.OFFICE, UnitKind.INSPECTORATE, UnitKind.DIVISION)
_SO = r"(?: thuoc so| cua so| trong so| truc thuoc so| truc thuoc)?"
# Generic addressees, longest first. "các phòng, đơn vị" is read as every internal unit:
# in a Department the Office and the Inspectorate rank as divisions ("phòng"), so the
# convention includes them; "các phòng chuyên môn" means the specialised divisions only.
GENERICS: tuple[tuple[re.Pattern[str], tuple[UnitKind, ...], bool], ...] = tuple(
    (re.compile(pattern), kinds, vague)
    for pattern, kinds, vague in (
        (r"(?:cac )?phong(?:, | va )(?:cac )?(?:ban, )?don vi" + _SO, _INTERNAL, False),
        (r"(?:cac )?don vi (?:thuoc so|cua so|trong so|trong co quan)", _INTERNAL, False),
        (r"(?:cac )?phong, ban" + _SO, _PHONG_BAN, False),
        (r"(?:cac )?phong chuyen mon(?: co)? lien quan", (UnitKind.DIVISION,), True),
        (r"(?:cac )?phong chuyen mon" + _SO, (UnitKind.DIVISION,), False),
        (
            r"(?:cac )?(?:don vi|dv) (?:su nghiep )?truc thuoc(?: so)?",
            (UnitKind.AFFILIATED,),
            False,
        ),
        (
            r"(?:cac )?(?:to chuc )?doan the(?: chinh tri(?: -)? xa hoi)?(?: tai so)?",
            (UnitKind.MASS_ORGANISATION,),
            False,
        ),
        (r"cac phong" + _SO, _PHONG_BAN, False),
    )
)
# A provincial People's Committee's units are its departments (kind division).
_NGANH = (
    r"(?:cac )?(?:so, (?:ban, )?nganh|ban, nganh|so, ban)"
    r"(?:(?:, | va )(?:don vi|doan the|dia phuong))*(?: (?:cap tinh|thuoc tinh|tinh))?"
)
PROVINCE_GENERICS: tuple[tuple[re.Pattern[str], tuple[UnitKind, ...], bool], ...] = (
    (re.compile(_NGANH + r" (?:co )?lien quan"), (UnitKind.DIVISION,), True),
    (re.compile(_NGANH), (UnitKind.DIVISION,), False),
)
# Elsewhere "các sở, ban, ngành" is still a group, of bodies outside the directory.
_OUTSIDE_GENERICS = tuple((pattern, (), vague) for pattern, _, vague in PROVINCE_GENERICS)
_GENERICS_OF_LEVEL = {
    "department": GENERICS + _OUTSIDE_GENERICS,
    "province": PROVINCE_GENERICS,
}
_SEP_RE = re.compile(r"\s*(?:,|;| va | cung | &)\s*")
_END = re.compile(r"(?![\w])")


# What kind of body an agency is: which group phrases ("các phòng, đơn vị thuộc Sở",
# "các sở, ban, ngành") mean its units.
Level = Literal["province", "office", "department", "district", "commune"]


class _AgencyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    name: str
    short_name: str
    province: str
    level: Level = "department"


class ChangeEntry(BaseModel):
    """What became of a unit (or of a whole agency) when this version took effect.

    `agency` defaults to the file's own agency, `to_agency` too; without `unit` the
    entry covers every unit of `agency` that no other entry names (a merged agency)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    agency: str | None = None
    unit: str | None = None
    kind: Literal["renamed", "merged", "dissolved"]
    to: str | None = None
    to_agency: str | None = None
    note: str = ""


class _DirectoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agency: _AgencyFile
    # None: the first version (the files as of 2020); later versions say when they began.
    valid_from: dt.date | None = None
    changes: list[ChangeEntry] = []
    units: list[Unit]


@dataclass(frozen=True)
class UnitDirectory:
    """The units of one agency (a Department), with the names documents use for them."""

    code: str
    name: str
    short_name: str
    province: str
    units: tuple[Unit, ...]
    level: Level = "department"
    valid_from: dt.date | None = None
    changes: tuple[ChangeEntry, ...] = ()
    _keys: dict[str, Unit] = field(default_factory=dict, init=False, repr=False, compare=False)
    _by_word: dict[str, list[tuple[str, Unit]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for unit in self.units:
            for written in _spellings(unit):
                key = canon(written)
                if key:
                    self._keys.setdefault(key, unit)
                # The scanner compares against raw folded text, so it needs both dash spellings.
                raw = re.sub(r"\s+", " ", fold(written)).strip()
                for variant in {raw, raw.replace(" - ", "-"), raw.replace("-", " - ")}:
                    head = re.match(r"[\w/]+", variant)
                    if head:
                        self._by_word.setdefault(head.group(), []).append((variant, unit))
        for entries in self._by_word.values():
            entries.sort(key=lambda entry: len(entry[0]), reverse=True)

    def by_code(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)

    def of_kind(self, *kinds: UnitKind) -> list[Unit]:
        return [u for u in self.units if u.kind in kinds]

    def match(self, name: str) -> Unit | None:
        """The unit `name` designates, tolerating case, diacritics, titles and qualifiers."""
        key = canon(re.sub(r"\(.*?\)", " ", name))
        agency = canon(self.name)
        while key:
            for candidate in (key, _strip_suffix(key, agency, self.province)):
                if candidate in self._keys:
                    return self._keys[candidate]
            title = TITLE_RE.match(key)
            if title is None:
                return None
            key = key[title.end() :]
        return None

    def expand_generic(self, phrase: str) -> list[Unit]:
        """Units a generic addressee stands for; [] when `phrase` is not (only) generic."""
        key = re.sub(r"\s+", " ", fold(phrase)).strip(" .,;:")
        units: list[Unit] = []
        pos = 0
        while True:
            title = TITLE_RE.match(key, pos)
            found = self.generic_at(key, title.end() if title else pos)
            if found is None:
                return []
            units += [u for u in found[0] if u not in units]
            pos = found[1]
            sep = _SEP_RE.match(key, pos)
            if pos >= len(key) or sep is None:
                return units if pos >= len(key) else []
            pos = sep.end()

    def generic_at(self, folded: str, pos: int) -> tuple[list[Unit], int, bool] | None:
        """A generic addressee starting at `pos` of a folded text: units, end, vague."""
        for pattern, kinds, vague in _GENERICS_OF_LEVEL.get(self.level, _OUTSIDE_GENERICS):
            m = pattern.match(folded, pos)
            if m and _END.match(folded, m.end()):
                return self.of_kind(*kinds), m.end(), vague
        return None

    def unit_at(self, folded: str, pos: int) -> tuple[Unit, int] | None:
        """The longest known unit name starting at `pos` of a folded text."""
        word = re.match(r"[\w/]+", folded[pos:])
        if word is None:
            return None
        for alias, unit in self._by_word.get(word.group(), ()):
            end = pos + len(alias)
            if folded.startswith(alias, pos) and _END.match(folded, end):
                return unit, end
        return None


def _spellings(unit: Unit) -> list[str]:
    """Code, name, aliases, and "P.KHTC" / "P. KHTC" for every "Phòng KHTC": letters
    abbreviate "Phòng" that way, so the directory need not list each variant."""
    written = [unit.code, unit.name, *unit.aliases]
    short = [re.sub(r"^(?i:phòng)\s+", prefix, w) for w in written for prefix in ("P.", "P. ")]
    return written + [w for w in short if w not in written]


def _strip_suffix(key: str, agency: str, province: str) -> str:
    key = re.sub(r" tinh " + re.escape(canon(province)) + "$", "", key)
    bare = agency.removeprefix("so ")
    return re.sub(r"(?: thuoc| cua)?(?: so)?(?: " + re.escape(bare) + ")?$", "", key) or key


def load_directory(path: str | Path) -> UnitDirectory:
    """Read and validate a directory YAML file."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    data = _DirectoryFile.model_validate(raw)
    return UnitDirectory(
        code=data.agency.code,
        name=data.agency.name,
        short_name=data.agency.short_name,
        province=data.agency.province,
        units=tuple(data.units),
        level=data.agency.level,
        valid_from=data.valid_from,
        changes=tuple(data.changes),
    )
