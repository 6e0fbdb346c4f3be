"""Normalisation helpers shared by the readers.

Input is plain text pasted from, or extracted out of, a Decree 30/2020 document: NFC or
NFD Vietnamese, non-breaking spaces and tabs from flattened columns, curly quotes,
markdown emphasis left over from a conversion, paragraphs wrapped at arbitrary points.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from shared.contracts.values import ImportWarning

from ..directory import fold

__all__ = [
    "UPPER",
    "Notes",
    "clean_action",
    "fold",
    "is_caps",
    "make_date",
    "normalise",
    "split_top",
]

# A capital letter of Vietnamese text, as a regex class. Not "" + UPPER + r"": that range
# holds the lower-case letters too ("đăng", "ưu tiên", "ở" would read as capitals, so a
# verb after a name would look like a proper name going on).
UPPER = (
    "["
    + "".join(
        c
        for c in map(chr, (*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)))
        if c.isupper()
    )
    + "]"
)

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2})(?=\S)([^*\n]+?)(?<=\S)\1")


def normalise(text: str) -> list[str]:
    """The document as stripped, single-spaced NFC lines (blank lines kept)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    lines: list[str] = []
    for line in text.split("\n"):
        lines += [_SPACES.sub(" ", part).strip() for part in _place_date_apart(line)]
    return lines


_PLACE_DATE_RE = re.compile(r"^[^,\d]{2,40}, ngay\b")


def _place_date_apart(line: str) -> list[str]:
    """The header's two columns on one line ("V/v ...<tab>Thanh Hóa, ngày 02 tháng 11 năm
    2021"): the place and date go on a line of their own (else they end the subject)."""
    cells = line.strip(" \r\n").split("\t")
    if len(cells) == 2 and cells[0].strip() and _PLACE_DATE_RE.match(fold(cells[1].strip())):
        return [cells[0], cells[1]]
    return [_cells(line)]


def _cells(line: str) -> str:
    """A tab-separated table row (three cells or more) as a "|"-separated one; two cells
    are a flattened header ("Số: 08/SXD-TTr<tab>Thanh Hóa, ngày ..."), kept as text."""
    cells = line.strip(" \r\n").lstrip("\t").split("\t")
    return " | ".join(cells) if len(cells) >= 3 else line


def is_caps(line: str) -> bool:
    """A line printed in capitals: headings, titles, the signer's title."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def clean_action(text: str) -> str:
    """An action as the clerk wants to read it: trimmed, no closing marks, capitalised."""
    text = text.strip().lstrip(",;:-–+. ").strip()
    text = re.sub(r"[\s;,:.!/]+$", "", text)
    return text[:1].upper() + text[1:]


def capitalise(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def make_date(day: int, month: int, year: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def split_top(text: str, sep: str = ";") -> list[tuple[int, int]]:
    """Spans of `text` split at `sep`, ignoring separators inside brackets or quotes."""
    spans: list[tuple[int, int]] = []
    depth = 0
    quoted = False
    start = 0
    for i, char in enumerate(text):
        if char in "([":
            depth += 1
        elif char in ")]" and depth:
            depth -= 1
        elif char in '“”"':
            quoted = char == "“" or (char == '"' and not quoted)
        elif char == sep and depth == 0 and not quoted:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return spans


def first_sentence(text: str) -> str:
    """Up to the first full stop that ends a sentence (outside brackets and quotes)."""
    depth = 0
    for m in re.finditer(r"[()“”]|\.\s+(?=" + UPPER + r")", text):
        token = m.group()
        if token in "(“":
            depth += 1
        elif token in ")”":
            depth = max(0, depth - 1)
        elif depth == 0:
            # "TP. Thanh Hóa", "Q. Giám đốc": a one- or two-letter word is an abbreviation.
            word = re.search(r"(\w+)$", text[: m.start()])
            if word is None or len(word.group(1)) > 2:
                return text[: m.start()]
    return text


@dataclass
class Notes:
    """Warnings collected while reading; `field` paths are relative until placed."""

    items: list[ImportWarning] = field(default_factory=list)

    def add(self, code: str, field_name: str, message: str) -> None:
        self.items.append(ImportWarning(code=code, field=field_name, message=message))

    def extend(self, other: Notes, prefix: str = "") -> None:
        for w in other.items:
            path = f"{prefix}.{w.field}" if prefix and w.field else (prefix or w.field)
            self.items.append(ImportWarning(code=w.code, field=path, message=w.message))
