"""The annual report of one agency: a pure function of the set of facts.

    build_annual_report(agency, year, facts, narrative, generated_at) -> AnnualReport

Nothing here reads a clock or a database. The period is the Decree 09 year
(15/12 of year-1 to 14/12), every figure is "as of the cut-off" (the end of 14/12,
Vietnam time), and the facts are deduplicated and ordered by (time, event id) before
use, so a replay, a redelivery or another arrival order gives the same JSON, byte
for byte (`generated_at` aside, which is an input).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from services.reporting.domain.facts import AgencyInfo, Fact
from services.reporting.domain.inspection_figures import inspection_facts, inspection_figures
from services.reporting.domain.labels import DEFAULT_RECIPIENTS, REPORT_TITLE
from services.reporting.domain.ledger import Ledger, coverage, dedupe
from services.reporting.domain.model import (
    AnnualReport,
    DirectiveItem,
    Directives,
    PeriodOut,
    SignerOut,
    UpperDirectiveItem,
    figure,
)
from services.reporting.domain.narrative import draft
from services.reporting.domain.periods import aware, year_period
from services.reporting.domain.scheme import SchemeDirective, listed, scheme_directives
from services.reporting.domain.task_figures import dissemination, task_figures
from services.reporting.domain.task_status import task_states
from services.reporting.domain.unit_rows import unit_rows
from shared.contracts.events import DirectiveIssued, OrgDirectoryPublished


def _directives(items: list[SchemeDirective]) -> Directives:
    return Directives(
        count=figure(len(items), (d.event_id for d in items)),
        items=[
            DirectiveItem(
                directive_id=str(d.issued.directive_id),
                reference=d.issued.reference,
                date=d.issued_on,
                subject=d.issued.content.subject,
                event_id=d.event_id,
            )
            for d in items
        ],
    )


def implemented(facts: Sequence[Fact], items: list[SchemeDirective]) -> list[UpperDirectiveItem]:
    """The upper bodies' directives `items` implement, from each parent's own
    `directive.issued` fact (another agency's: not in the ledger), first cited first."""
    issued: dict[object, Fact] = {}
    for f in dedupe(facts):
        if isinstance(f.event, DirectiveIssued):
            issued.setdefault(f.event.directive_id, f)
    out: list[UpperDirectiveItem] = []
    for d in items:
        parent = issued.get(d.issued.parent_directive_id)
        if parent is None or any(u.event_id == parent.event_id for u in out):
            continue
        e = parent.event
        assert isinstance(e, DirectiveIssued)
        out.append(
            UpperDirectiveItem(
                directive_id=str(e.directive_id),
                reference=e.reference,
                issuer=e.content.issuer or e.agency,
                date=e.content.date,
                subject=e.content.subject,
                event_id=parent.event_id,
            )
        )
    return out


def _signer(candidates: list[SchemeDirective]) -> SignerOut | None:
    """The signer of the latest scheme directive that names one: who signs for the
    scheme in the agency usually signs its report too. The Office can change it."""
    for d in reversed(candidates):
        s = d.issued.content.signer
        if s is not None:
            return SignerOut(authority=s.authority, title=s.title, name=s.name)
    return None


def build_annual_report(
    agency: AgencyInfo,
    year: int,
    facts: Sequence[Fact],
    narrative: Mapping[str, str] | None,
    generated_at: dt.datetime,
    *,
    recipients: Sequence[str] = DEFAULT_RECIPIENTS,
) -> AnnualReport:
    period = year_period(year)
    ledger = Ledger(facts, agency.code)
    offsets, event_count = coverage(facts)

    scheme = scheme_directives(ledger, period)
    in_period = listed(scheme, period)
    states = task_states(ledger, period, {d.issued.directive_id for d in scheme})
    directory = ledger.of(OrgDirectoryPublished)
    units = {u.code: u for u in agency.units}
    found = inspection_facts(ledger, period)

    directives = _directives(in_period)
    spread = dissemination(states, units, directory[-1][0] if directory else None)
    tasks = task_figures(states)
    inspections = inspection_figures(found)
    known_by_cutoff = [
        d
        for d in scheme
        if aware(d.issued.issued_at) < period.cutoff and not d.revoked_before_cutoff
    ]
    return AnnualReport(
        agency=agency.code,
        year=year,
        title=REPORT_TITLE.format(year=year),
        agency_name=agency.name,
        short_name=agency.short_name,
        province=agency.province,
        period=PeriodOut(start=period.start, end=period.end, label=period.label),
        cutoff=period.cutoff,
        generated_at=generated_at,
        directives=directives,
        implements=implemented(facts, in_period),
        dissemination=spread,
        tasks=tasks,
        inspections=inspections,
        units=unit_rows(agency.units, states, found),
        narrative=draft(
            agency_name=agency.name,
            year=year,
            period=period,
            directives=directives,
            dissemination=spread,
            tasks=tasks,
            inspections=inspections,
            supplied=narrative,
        ),
        signer=_signer(in_period or known_by_cutoff),
        recipients=list(recipients),
        offsets=offsets,
        event_count=event_count,
    )
