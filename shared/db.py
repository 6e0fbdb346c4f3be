"""Database access shared by the services: one async engine per process, one
transaction per command or message (the unit of work the outbox and inbox join)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from pydantic_core import to_json
from sqlalchemy import MetaData
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

# Constraint names follow one convention, so Alembic migrations can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING)


def json_text(value: Any) -> str:
    """JSONB parameters as text, by pydantic's Rust encoder: several times faster than
    `json.dumps`, and it takes pydantic values (a deadline, a unit) as they are."""
    return to_json(value).decode()


class Database:
    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self.url = url
        # Looked up at call time: the OpenTelemetry instrumentation wraps this attribute
        # (shared.telemetry.instrument_libraries), one span per statement.
        self.engine: AsyncEngine = sa_asyncio.create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=5,
            pool_pre_ping=True,
            json_serializer=json_text,
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Commit on success, roll back on any error: nothing half-written."""
        async with self.sessions() as session, session.begin():
            yield session

    async def dispose(self) -> None:
        await self.engine.dispose()


def asyncpg_dsn(url: str) -> str:
    """SQLAlchemy URL → plain DSN for asyncpg (LISTEN needs a raw connection)."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)
