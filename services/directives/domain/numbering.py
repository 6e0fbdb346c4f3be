"""Decree 30/2020, art. 15: numbers and symbols.

A document's number is its order among the documents the agency issues in a calendar
year: it starts at 01 on 1 January and runs to 31 December; numbers below 10 take a
leading zero. The symbol is the type abbreviation joined by "-" to the issuer's
abbreviation; an official letter (công văn) has no type abbreviation and carries the
drafting unit instead ("12/SXD-VP").
"""

from __future__ import annotations

from shared.contracts.values import DOC_TYPE_ABBREVIATIONS, DocType


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
