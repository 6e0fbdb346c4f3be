"""A service's local copy of the unit directories, kept from `chidao.org.v1`.

Services do not read each other's tables; a service that needs to know an agency's
units (to check a code, to show a name) keeps this copy, replaced whole by each
`org.directory_published` event, in its own database.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Integer, MetaData, PrimaryKeyConstraint, Table, Text, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.contracts.values import Unit


def units_table(metadata: MetaData) -> Table:
    return Table(
        "units",
        metadata,
        Column("agency", Text, nullable=False),
        Column("code", Text, nullable=False),
        Column("name", Text, nullable=False),
        Column("kind", Text, nullable=False),
        Column("staff", Integer),
        PrimaryKeyConstraint("agency", "code"),
    )


async def replace_units(
    session: AsyncSession, table: Table, agency: str, units: Sequence[Unit]
) -> None:
    await session.execute(delete(table).where(table.c.agency == agency))
    if units:
        await session.execute(
            table.insert(),
            [
                {
                    "agency": agency,
                    "code": u.code,
                    "name": u.name,
                    "kind": u.kind.value,
                    "staff": u.staff,
                }
                for u in units
            ],
        )


async def unit_names(session: AsyncSession, table: Table, agency: str) -> dict[str, str]:
    """Unit code → name; empty until the agency's directory has arrived."""
    rows = await session.execute(select(table.c.code, table.c.name).where(table.c.agency == agency))
    return {code: name for code, name in rows}


async def agencies(session: AsyncSession, table: Table) -> set[str]:
    return set((await session.execute(select(table.c.agency).distinct())).scalars())
