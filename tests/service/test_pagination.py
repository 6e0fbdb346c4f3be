"""Every list is paged by cursor: complete, in order, without repeats, bounded."""

from __future__ import annotations

import datetime as dt

import pytest

from services.directives.adapters.tables import metadata
from services.directives.handlers import DirectiveService, Directories
from services.directives.settings import DirectivesSettings
from shared.contracts.values import DirectiveContent, DocType
from shared.errors import InvalidField
from shared.pagination import PageRequest, decode_cursor, encode_cursor
from tests.service.conftest import CLERK_SXD, SXD, ServiceDb

SERVICE = "directives"
METADATA = metadata


@pytest.fixture
def svc(service_db: ServiceDb) -> DirectiveService:
    settings = DirectivesSettings()
    directories = Directories.load(settings.directories_dir, settings.default_agency)
    return DirectiveService(service_db.db, service_db.outbox, service_db.clock, directories)


async def test_following_the_cursor_visits_every_item_once_in_order(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    written = []
    for i in range(7):
        # Two drafts share each instant: the id must break the tie, or a page
        # boundary between them would skip or repeat one.
        service_db.clock.set(dt.datetime(2020, 5, 1 + i // 2, 9, tzinfo=dt.UTC), frozen=True)
        content = DirectiveContent(doc_type=DocType.NOTICE, subject=f"Thông báo số {i}")
        written.append((await svc.create_draft(SXD, content, CLERK_SXD)).id)
    seen, pages, cursor = [], 0, None
    while True:
        page = await svc.find(CLERK_SXD, agency=SXD, page=PageRequest(3, cursor))
        assert len(page.items) <= 3
        seen += [d.id for d in page.items]
        pages += 1
        if page.next_key is None:
            break
        cursor = encode_cursor(page.next_key)
    assert pages == 3
    expected = [
        d
        for _, d in sorted(
            zip([i // 2 for i in range(7)], written, strict=True), key=lambda p: (p[0], p[1])
        )
    ]
    assert seen == expected


def test_a_cursor_that_was_not_given_out_is_refused_naming_it() -> None:
    assert decode_cursor(encode_cursor((dt.date(2020, 1, 2), 3)), 2) == (dt.date(2020, 1, 2), 3)
    for bad in ("not-base64-!!", encode_cursor((1,)), "e30"):
        with pytest.raises(InvalidField) as caught:
            decode_cursor(bad, 2)
        assert caught.value.field == "query.cursor"
