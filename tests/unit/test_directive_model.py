"""Decree 30 numbering and the directive's life: draft → issued (immutable) → revoked."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from services.directives.domain import numbering
from services.directives.domain.model import Directive, Status
from shared.contracts.events import DirectiveIssued, DirectiveRevoked
from shared.contracts.values import DirectiveContent, DocType
from shared.errors import InvalidField, InvalidTransition

AT = dt.datetime(2020, 4, 20, 2, 0, tzinfo=dt.UTC)


def draft(subject: str = "Triển khai Đề án văn hóa công vụ") -> Directive:
    content = DirectiveContent(doc_type=DocType.NOTICE, subject=subject, symbol="TB-SXD")
    return Directive(id=uuid.uuid4(), agency="sxd-thanhhoa", content=content)


def test_numbers_below_ten_take_a_leading_zero() -> None:
    assert numbering.format_number(5) == "05"
    assert numbering.format_number(12) == "12"
    assert numbering.reference(84, "KH-UBND") == "84/KH-UBND"
    with pytest.raises(ValueError):
        numbering.format_number(0)


def test_the_series_restarts_from_01_each_year() -> None:
    assert numbering.next_number(None) == 1
    assert numbering.next_number(41) == 42


@pytest.mark.parametrize(
    ("doc_type", "symbol"),
    [
        (DocType.NOTICE, "TB-SXD"),
        (DocType.PLAN, "KH-SXD"),
        (DocType.DECISION, "QĐ-SXD"),
        (DocType.OFFICIAL_LETTER, "SXD-VP"),  # công văn: issuer + drafting unit
    ],
)
def test_symbols(doc_type: DocType, symbol: str) -> None:
    assert numbering.make_symbol(doc_type, "SXD") == symbol


def test_issuing_sets_number_and_date_and_freezes_the_directive() -> None:
    changed = draft().issue(
        serial=5, number="05", symbol="TB-SXD", date=dt.date(2020, 4, 20), at=AT
    )
    issued = changed.state
    (event,) = changed.events
    assert isinstance(event, DirectiveIssued)
    assert event.reference == "05/TB-SXD" and event.content == issued.content
    assert event.issued_at == AT and event.duplicate_of is None
    assert issued.status is Status.ISSUED
    assert issued.reference == "05/TB-SXD"
    assert issued.content.date == dt.date(2020, 4, 20)
    assert issued.year == 2020
    with pytest.raises(InvalidTransition):
        issued.edit(issued.content)
    assert draft().edit(issued.content).events == ()  # a draft's edits tell no one
    with pytest.raises(InvalidTransition):
        issued.issue(serial=6, number="06", symbol="TB-SXD", date=dt.date(2020, 4, 20), at=AT)


def test_a_draft_without_subject_cannot_be_issued() -> None:
    with pytest.raises(InvalidTransition):
        draft(subject="  ").issue(
            serial=1, number="01", symbol="TB-SXD", date=dt.date(2020, 4, 20), at=AT
        )


def test_only_issued_directives_are_revoked_and_with_a_reason() -> None:
    with pytest.raises(InvalidTransition):
        draft().revoke(reason="nhầm", at=AT)
    issued = (
        draft()
        .issue(serial=1, number="01", symbol="TB-SXD", date=dt.date(2020, 4, 20), at=AT)
        .state
    )
    with pytest.raises(InvalidField) as caught:
        issued.revoke(reason=" ", at=AT)
    assert caught.value.field == "reason"
    changed = issued.revoke(reason="Ban hành nhầm", at=AT)
    revoked = changed.state
    assert revoked.status is Status.REVOKED and revoked.revoke_reason == "Ban hành nhầm"
    assert changed.events == (
        DirectiveRevoked(
            agency=revoked.agency,
            directive_id=revoked.id,
            reference="01/TB-SXD",
            reason="Ban hành nhầm",
            revoked_at=AT,
        ),
    )


def test_a_same_subject_issue_is_warned_of_and_says_which_directive() -> None:
    earlier = uuid.uuid4()
    changed = draft().issue(
        serial=2,
        number="02",
        symbol="TB-SXD",
        date=dt.date(2020, 5, 1),
        at=AT,
        duplicate_of=earlier,
    )
    assert [w.code for w in changed.state.warnings] == ["duplicate_subject"]
    (event,) = changed.events
    assert isinstance(event, DirectiveIssued) and event.duplicate_of == earlier
