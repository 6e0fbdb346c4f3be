"""Loading and saving directives; numbering under a row lock."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.directives.adapters.tables import directives, number_series, published_directories
from services.directives.domain.model import Directive, Status
from shared.contracts.values import DirectiveContent, ImportWarning
from shared.pagination import Page, PageRequest, cut, keyset


def _to_row(d: Directive) -> dict[str, object]:
    return {
        "id": d.id,
        "agency": d.agency,
        "status": d.status.value,
        "content": d.content.model_dump(mode="json"),
        "warnings": [w.model_dump(mode="json") for w in d.warnings],
        "year": d.year,
        "serial": d.serial,
        "issued_at": d.issued_at,
        "revoked_at": d.revoked_at,
        "revoke_reason": d.revoke_reason,
        "created_at": d.created_at,
    }


def _from_row(row: object) -> Directive:
    r = row._mapping  # type: ignore[attr-defined]
    return Directive(
        id=r["id"],
        agency=r["agency"],
        status=Status(r["status"]),
        content=DirectiveContent.model_validate(r["content"]),
        warnings=tuple(ImportWarning.model_validate(w) for w in r["warnings"]),
        year=r["year"],
        serial=r["serial"],
        issued_at=r["issued_at"],
        revoked_at=r["revoked_at"],
        revoke_reason=r["revoke_reason"],
        created_at=r["created_at"],
    )


async def add(session: AsyncSession, d: Directive) -> None:
    await session.execute(insert(directives).values(**_to_row(d)))


async def save(session: AsyncSession, d: Directive) -> None:
    row = _to_row(d)
    row.pop("id")
    await session.execute(directives.update().where(directives.c.id == d.id).values(**row))


async def get(
    session: AsyncSession, directive_id: uuid.UUID, *, lock: bool = False
) -> Directive | None:
    query = select(directives).where(directives.c.id == directive_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _from_row(row) if row else None


# Newest last, as they were written; the id makes the order total (for the cursor).
LIST_KEY = (directives.c.created_at, directives.c.id)


def list_key(d: Directive) -> tuple[object, ...]:
    return (d.created_at, d.id)


async def list_(
    session: AsyncSession,
    *,
    agency: str | None,
    status: str | None,
    year: int | None,
    page: PageRequest,
) -> Page[Directive]:
    query = select(directives)
    if agency:
        query = query.where(directives.c.agency == agency)
    if status:
        query = query.where(directives.c.status == status)
    if year:
        query = query.where(directives.c.year == year)
    rows = (await session.execute(keyset(query, LIST_KEY, page))).all()
    return cut([_from_row(r) for r in rows], page, list_key)


async def take_next_serial(session: AsyncSession, agency: str, year: int) -> int:
    """Atomically reserve the next number of the agency's year (01 if first)."""
    result = await session.execute(
        insert(number_series)
        .values(agency=agency, year=year, last_serial=1)
        .on_conflict_do_update(
            index_elements=["agency", "year"],
            set_={"last_serial": number_series.c.last_serial + 1},
        )
        .returning(number_series.c.last_serial)
    )
    return int(result.scalar_one())


# What ix_directives_subject indexes.
subject_key = func.lower(directives.c.content["subject"].astext)


async def same_subject_issued(
    session: AsyncSession, agency: str, year: int, subject: str
) -> uuid.UUID | None:
    """Appendix VI asks systems to warn on duplicates: same subject, same year."""
    row = (
        await session.execute(
            select(directives.c.id)
            .where(directives.c.agency == agency)
            .where(directives.c.year == year)
            .where(directives.c.status != "draft")
            .where(subject_key == func.lower(subject))
            .limit(1)
        )
    ).first()
    return row[0] if row else None


async def directory_digest(session: AsyncSession, agency: str) -> str | None:
    return await session.scalar(
        select(published_directories.c.digest).where(published_directories.c.agency == agency)
    )


async def record_directory(session: AsyncSession, agency: str, digest: str) -> None:
    await session.execute(
        insert(published_directories)
        .values(agency=agency, digest=digest)
        .on_conflict_do_update(index_elements=["agency"], set_={"digest": digest})
    )
