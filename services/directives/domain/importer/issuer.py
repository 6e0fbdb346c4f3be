"""Who issued a letter, and so whose unit directory reads it.

The issuing body is printed in capitals at the top left, over one or two lines
("UBND TỈNH THANH HÓA" / "SỞ XÂY DỰNG", "ỦY BAN NHÂN DÂN HUYỆN QUẢNG XƯƠNG", "UBND TỈNH
HÀ TĨNH" / "VĂN PHÒNG"). Its full name with the locality ("Sở Xây dựng tỉnh Thanh Hóa")
selects the directory: a group phrase ("các phòng, đơn vị thuộc Sở") stands for the
issuer's own units, never for those of the clerk's agency or any other. A letter without
a header (the seed) names its issuer in the symbol ("/TB-SXD") or the body ("Giám đốc
Sở Xây dựng chỉ đạo"), with the province in the place line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..directory import Level, UnitDirectory
from .header import Header
from .text import fold

__all__ = ["Issuer", "empty_directory", "pick_directory", "read_issuer"]

_UBND = r"(?:uy ban nhan dan|ubnd)"
_LOCAL = r"(?P<lv>tinh|thanh pho|huyen|thi xa|quan|phuong|xa|thi tran)"
_PART = r"(?P<part>so .+|van phong|thanh tra tinh|ban .+)"
_UNDER_UBND = re.compile(rf"^{_UBND} {_LOCAL} (?P<place>.+?)(?: {_PART})?$")
_OFFICE = re.compile(rf"^van phong {_UBND} (?P<lv>tinh|thanh pho) (?P<place>.+)$")
_DEPT_WITH_PLACE = re.compile(r"^(?P<part>so .+?) (?P<lv>tinh|thanh pho) (?P<place>.+)$")
# The cities run by the central government ("thành phố trực thuộc trung ương") are
# provinces: their "thành phố" is a province's "tỉnh". Huế is one from 01/01/2025.
_CENTRAL_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho"}
_CENTRAL_SINCE_2025 = {"hue"}
_LOCAL_LEVEL: dict[str, Level] = {
    "tinh": "province", "thanh pho": "district", "huyen": "district", "thi xa": "district",
    "quan": "district", "phuong": "commune", "xa": "commune", "thi tran": "commune",
}  # fmt: skip


@dataclass(frozen=True)
class Issuer:
    name: str  # full, with the locality: "Sở Xây dựng tỉnh Thanh Hóa"
    body: str  # without it: "Sở Xây dựng", "Ủy ban nhân dân tỉnh"
    level: Level
    province: str | None  # None for a district or commune (its province is not printed)
    short_name: str | None = None


def _title(words: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in words.split())


def _sentence(words: str) -> str:
    low = words.lower()
    return low[:1].upper() + low[1:]


def read_issuer(head: Header, directories: Iterable[UnitDirectory] = ()) -> Issuer | None:
    """The issuer as printed in the header; None when the header does not print one."""
    raw = re.sub(r"\s+", " ", " ".join(head.issuing_lines)).strip(" .")
    folded = fold(raw)
    known = {fold(d.name): d.name for d in directories}
    if m := _OFFICE.match(folded):
        place = _title(raw[m.start("place") :])
        body = f"Văn phòng Ủy ban nhân dân {raw[m.start('lv') : m.end('lv')].lower()}"
        return Issuer(f"{body} {place}", body, "office", place, "VP")
    m = _UNDER_UBND.match(folded) or _DEPT_WITH_PLACE.match(folded)
    if m is None:
        return None if head.issuing_lines else _by_symbol(head, directories)
    place = _title(raw[m.start("place") : m.end("place")])
    level_word = raw[m.start("lv") : m.end("lv")].lower()
    part = folded[m.start("part") : m.end("part")] if m.groupdict().get("part") else ""
    level = _level(m.group("lv"), m.group("place"), part, head)
    if part:
        if part == "van phong" and level == "province":
            body = f"Văn phòng Ủy ban nhân dân {level_word}"
            return Issuer(f"{body} {place}", body, "office", place, "VP")
        written = raw[m.start("part") : m.end("part")]
        body = known.get(part) or _sentence(written)
        province = place if level == "province" else None
        # "Thanh tra tỉnh" names its level already: "Thanh tra tỉnh Bình Định".
        local = "" if fold(body).endswith(f" {m.group('lv')}") else f" {level_word}"
        return Issuer(f"{body}{local} {place}", body, "department", province)
    body = f"Ủy ban nhân dân {level_word}"
    return Issuer(f"{body} {place}", body, level, place if level == "province" else None)


def _by_symbol(head: Header, directories: Iterable[UnitDirectory]) -> Issuer | None:
    """A letter without a header ("Số: /TB-STTTT", "Cần Thơ, ngày ...") names its issuer
    in the symbol: a department's abbreviation is the same in every province, so a
    department known anywhere ("STTTT": Sở Thông tin và Truyền thông) is that department
    of the province of the place line."""
    abbreviation = fold(head.symbol_issuer or "")
    place = (head.place or "").strip()
    if not abbreviation or not place or not re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", place):
        return None
    names = {
        d.name
        for d in directories
        if d.level == "department" and fold(d.short_name) == abbreviation
    }
    if len(names) != 1:
        return None
    (body,) = names
    local = "thành phố" if _central(fold(place), head) else "tỉnh"
    return Issuer(f"{body} {local} {place}", body, "department", place, head.symbol_issuer)


def _level(local: str, place: str, part: str, head: Header) -> Level:
    """The level of "UBND <local> <place>": a "thành phố" is a province when the
    central government runs it, or when a Sở or a bare "Văn phòng" (a district's office is
    "Văn phòng HĐND và UBND") sits under it; else a city of a province, a district."""
    if local == "thanh pho" and (
        _central(place, head) or part.startswith("so ") or part == "van phong"
    ):
        return "province"
    return _LOCAL_LEVEL.get(local, "province")


def _central(place: str, head: Header) -> bool:
    """Whether the (folded) place is a city the central government runs, on the letter's
    date."""
    year = head.date.year if head.date else head.year
    return place in _CENTRAL_CITIES or (
        place in _CENTRAL_SINCE_2025 and (year is None or year >= 2025)
    )


def pick_directory(
    issuer: Issuer | None,
    head: Header,
    body_text: str,
    directories: Iterable[UnitDirectory],
) -> UnitDirectory | None:
    """The issuer's directory among those configured, or None when none is."""
    candidates = list(directories)
    if issuer is not None:
        for d in candidates:
            same_body = fold(d.name) == fold(issuer.body)
            if same_body and issuer.province and fold(d.province) == fold(issuer.province):
                return d
        return None
    # No header: the symbol's issuer ("TB-SXD") or the body's "Giám đốc Sở X", in the
    # province of the place line.
    place = fold(head.place or "")
    local = [d for d in candidates if place and fold(d.province) == place]
    abbreviation = fold(head.symbol_issuer or "")
    by_symbol = [d for d in local if abbreviation and fold(d.short_name) == abbreviation]
    if len(by_symbol) == 1:
        return by_symbol[0]
    text = fold(body_text)
    named = [
        (m.start(), d)
        for d in local
        if d.level == "department"
        and (m := re.search(r"\b(?:giam doc|lanh dao) " + re.escape(fold(d.name)) + r"\b", text))
    ]
    return min(named, key=lambda found: found[0])[1] if named else None


def empty_directory(issuer: Issuer) -> UnitDirectory:
    """A directory for an issuer this deployment has none of: its group phrases are kept
    as written (and flagged), never read as another agency's units."""
    return UnitDirectory(
        code="",
        name=issuer.body,
        short_name=issuer.short_name or "",
        province=issuer.province or "",
        units=(),
        level=issuer.level,
    )
