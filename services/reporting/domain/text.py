"""Text helpers of the report: diacritics-insensitive matching and Vietnamese formats.

Services do not import each other, so the fold is this service's own (the directives
service has the same idea in `directory.fold`): lower case, no diacritics, đ → d,
single spaces. Documents write "Văn hóa công vụ", "văn hoá công vụ" (old-style tone
placement) and "VĂN HÓA CÔNG VỤ"; all three must match.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", bare.lower()).strip()


def mentions(text: str, *phrases: str) -> bool:
    """Whether `text` contains any of `phrases`, ignoring case, diacritics and spacing."""
    folded = fold(text)
    return any(fold(p) in folded for p in phrases)


def vn_date(day: dt.date) -> str:
    """dd/mm/yyyy, the way reports write dates in running text."""
    return day.strftime("%d/%m/%Y")


def percent(part: int, whole: int) -> float:
    """Share in percent with one decimal, rounded half up as people round (not banker's);
    0.0 when there is nothing to divide."""
    if whole == 0:
        return 0.0
    exact = Decimal(part * 100) / Decimal(whole)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def number(value: float) -> str:
    """A percentage as Vietnamese prints it: decimal comma ("33,3")."""
    return f"{value:.1f}".replace(".", ",")
