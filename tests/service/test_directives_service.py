"""The directives service's handlers on a real PostgreSQL: state and outbox rows."""

from __future__ import annotations

import pytest

from services.directives.adapters.tables import metadata
from services.directives.handlers import DirectiveService, Directories
from services.directives.settings import DirectivesSettings
from shared.contracts.events import DirectiveIssued, DirectiveRevoked, OrgDirectoryPublished
from shared.errors import InvalidField, InvalidTransition, NotFound
from shared.settings import REPO_ROOT
from tests.service.conftest import ServiceDb

SERVICE = "directives"
METADATA = metadata
SEED = (REPO_ROOT / "chidao" / "samples" / "tb-sxd-thanhhoa-2020.txt").read_text(encoding="utf-8")


@pytest.fixture
def svc(service_db: ServiceDb) -> DirectiveService:
    settings = DirectivesSettings()
    directories = Directories.load(settings.directories_dir, settings.default_agency)
    return DirectiveService(service_db.db, service_db.outbox, service_db.clock, directories)


async def test_issuing_the_seed_numbers_it_and_stages_directive_issued(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    draft = await svc.import_letter(SEED, "sxd-thanhhoa")
    assert await service_db.staged() == []  # a draft tells no one
    issued = await svc.issue(draft.id)
    assert issued.reference is not None and issued.reference.startswith("01/")
    (event,) = await service_db.staged()
    assert isinstance(event, DirectiveIssued)
    assert event.directive_id == draft.id and event.reference == issued.reference
    with pytest.raises(InvalidTransition):
        await svc.issue(draft.id)
    assert len(await service_db.staged()) == 1


async def test_revoking_needs_a_reason_and_stages_directive_revoked(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    draft = await svc.import_letter(SEED, "sxd-thanhhoa")
    await svc.issue(draft.id)
    with pytest.raises(InvalidField) as caught:
        await svc.revoke(draft.id, "  ")
    assert caught.value.field == "reason"
    await svc.revoke(draft.id, "Ban hành nhầm")
    issued, revoked = await service_db.staged()
    assert isinstance(revoked, DirectiveRevoked) and revoked.reason == "Ban hành nhầm"
    with pytest.raises(NotFound):
        await svc.revoke(draft.id.__class__(int=0), "x")


async def test_directories_are_published_once_until_they_change(
    svc: DirectiveService, service_db: ServiceDb
) -> None:
    await svc.publish_directories()
    await svc.publish_directories()
    published = await service_db.staged()
    assert published and all(isinstance(e, OrgDirectoryPublished) for e in published)
    assert len(published) == len(svc.directories.by_code)
