"""Decree 30/2020, art. 15: numbers and symbols.

A document's number is its order among the documents the agency issues in a calendar
year: it starts at 01 on 1 January and runs to 31 December; numbers below 10 take a
leading zero. The symbol is the type abbreviation joined by "-" to the issuer's
abbreviation; an official letter (công văn) has no type abbreviation and carries the
drafting unit instead ("12/SXD-VP").
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.contracts.values import DOC_TYPE_ABBREVIATIONS, DocType
from shared.errors import Conflict


def format_number(number: int) -> str:
    if number < 1:
        raise ValueError(f"document numbers start at 1, got {number}")
    return f"{number:02d}"


def make_symbol(doc_type: DocType, issuer_short: str, drafting_unit: str = "VP") -> str:
    abbreviation = DOC_TYPE_ABBREVIATIONS[doc_type]
    if not abbreviation:
        return f"{issuer_short}-{drafting_unit}"
    return f"{abbreviation}-{issuer_short}"


def reference(number: int, symbol: str) -> str:
    """'05/TB-SXD', as printed after "Số:"."""
    return f"{format_number(number)}/{symbol}"


def next_number(last_issued_this_year: int | None) -> int:
    """The series restarts each calendar year: no row for the year means 01."""
    return (last_issued_this_year or 0) + 1


@dataclass(frozen=True)
class NumberSeries:
    """An agency's register of outgoing documents for one year: the last number given."""

    agency: str
    year: int
    last_issued: int  # 0: nothing issued yet this year

    @property
    def next_number(self) -> int:
        return next_number(self.last_issued)


def continue_series(current: NumberSeries, paper_last: int) -> NumberSeries:
    """An agency that starts on the platform mid-year has issued documents on paper
    already: its register here continues from the paper one's last number, so the next
    document issued here does not repeat a number in use. It never goes back: the
    numbers the platform gave already would be given twice."""
    if paper_last < current.last_issued:
        raise Conflict(
            f"Sổ văn bản đi năm {current.year} đã cấp đến số "
            f"{format_number(current.last_issued)}: không thể lùi về số "
            f"{format_number(paper_last)}."
        )
    return NumberSeries(current.agency, current.year, paper_last)
