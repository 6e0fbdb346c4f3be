"""Which directives implement the public-service culture scheme (Decision 1847/QĐ-TTg).

A directive belongs to the scheme when it cites 1847/QĐ-TTg among its references or
its subject speaks of "văn hóa công vụ". The seed letter does both; a later plan may
cite only the province's plan 84/KH-UBND but still name the scheme in its subject.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.reporting.domain.ledger import Ledger
from services.reporting.domain.periods import Period, aware, local_date
from services.reporting.domain.text import fold, mentions
from shared.contracts.events import DirectiveIssued, DirectiveRevoked
from shared.contracts.values import DirectiveContent

SCHEME_DECISION = "1847/QĐ-TTg"
SCHEME_SUBJECT = "văn hóa công vụ"


def is_scheme(content: DirectiveContent) -> bool:
    if mentions(content.subject, SCHEME_SUBJECT, "văn hoá công vụ"):
        return True
    for ref in content.references:
        printed = f"{ref.number or ''}/{ref.symbol or ''}"
        if fold(SCHEME_DECISION) in fold(printed) or mentions(ref.text, SCHEME_DECISION):
            return True
    return False


@dataclass(frozen=True)
class SchemeDirective:
    event_id: str
    issued: DirectiveIssued
    issued_on: dt.date  # the date printed on it; the system's issue time when blank
    revoked_before_cutoff: bool


def scheme_directives(ledger: Ledger, period: Period) -> list[SchemeDirective]:
    """Every scheme directive of the agency ever issued (tasks of a 2020 directive can
    fall in the 2021 report: a yearly duty), in issue order, one per directive id."""
    revoked = {
        e.directive_id
        for _, e in ledger.of(DirectiveRevoked)
        if aware(e.revoked_at) < period.cutoff
    }
    seen: set[object] = set()
    found: list[SchemeDirective] = []
    for event_id, e in ledger.of(DirectiveIssued):
        if e.directive_id in seen or not is_scheme(e.content):
            continue
        seen.add(e.directive_id)
        issued_on = e.content.date or local_date(e.issued_at)
        found.append(SchemeDirective(event_id, e, issued_on, e.directive_id in revoked))
    return sorted(found, key=lambda d: (d.issued_on, aware(d.issued.issued_at), d.event_id))


def listed(directives: list[SchemeDirective], period: Period) -> list[SchemeDirective]:
    """The directives the report lists: dated in the period, issued in the system before
    the cut-off (a back-dated entry made later was not known then), not revoked by it."""
    return [
        d
        for d in directives
        if period.contains(d.issued_on)
        and aware(d.issued.issued_at) < period.cutoff
        and not d.revoked_before_cutoff
    ]
