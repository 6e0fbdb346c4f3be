"""What may reach an event is bounded: at the API (422 naming the field) and at the
outbox (a command whose event would be too large for the broker fails)."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from shared.contracts.limits import MAX_LIST_ITEMS, MAX_TEXT_CHARS
from shared.contracts.values import Assignment, DirectiveContent, DocType, UnitRef
from shared.http import Storable

Content = Annotated[DirectiveContent, Storable]


class Draft(BaseModel):
    content: Content


def _content(action: str = "Triển khai", n: int = 1) -> dict[str, object]:
    duty = {"lead_unit": {"code": "VP", "name": "Văn phòng Sở"}, "action": action}
    return {"doc_type": "notice", "subject": "Về văn hóa công vụ", "assignments": [duty] * n}


def test_a_directive_within_the_bounds_is_taken() -> None:
    draft = Draft.model_validate({"content": _content("x" * MAX_TEXT_CHARS, MAX_LIST_ITEMS)})
    assert len(draft.content.assignments) == MAX_LIST_ITEMS


@pytest.mark.parametrize(
    ("content", "where", "why"),
    [
        (
            _content("x" * (MAX_TEXT_CHARS + 1)),
            ("content", "assignments", 0, "action"),
            "10,000 characters",
        ),
        (_content(n=MAX_LIST_ITEMS + 1), ("content", "assignments"), "500 items"),
    ],
)
def test_a_text_or_a_list_over_its_bound_is_refused_naming_it(
    content: dict[str, object], where: tuple[object, ...], why: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Draft.model_validate({"content": content})
    (error,) = refused.value.errors()
    assert error["loc"] == where and why in error["msg"]


def test_the_contract_itself_stays_open_to_what_was_published_before() -> None:
    """The bound is a rule for what enters, not part of the v1 schema: an event
    published before it, with a longer text, is still read."""
    long = DirectiveContent(
        doc_type=DocType.NOTICE,
        subject="x" * (MAX_TEXT_CHARS * 2),
        assignments=(Assignment(lead_unit=UnitRef(name="Văn phòng Sở"), action="a"),),
    )
    assert DirectiveContent.model_validate_json(long.model_dump_json()) == long
