"""`chidao outbox stuck SERVICE`: the outbox rows the broker kept refusing.

Such a row is set aside by the relay after its retries (`set_aside_at`), so one bad
row never stops the events behind it; here an operator sees what it was and why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import asyncpg

from shared.db import asyncpg_dsn


@dataclass(frozen=True)
class StuckRow:
    id: int
    event_id: str
    event_type: str
    topic: str
    size: int
    attempts: int
    last_error: str | None
    set_aside_at: dt.datetime


async def stuck_rows(database_url: str) -> list[StuckRow]:
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        rows = await conn.fetch(
            "SELECT id, event_id, event_type, topic, length(value) AS size, attempts, "
            "last_error, set_aside_at FROM outbox "
            "WHERE set_aside_at IS NOT NULL AND published_at IS NULL ORDER BY id"
        )
    finally:
        await conn.close()
    return [StuckRow(**dict(r)) for r in rows]
