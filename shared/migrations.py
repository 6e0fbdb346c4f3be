"""Alembic, the same way in every service.

Each service has `migrations/` with an `env.py` that calls `run_env(metadata)` and its
own versions. Services migrate at start-up under an advisory lock, so several
instances starting together do not race.
"""

from __future__ import annotations

import asyncio
import zlib
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def alembic_config(migrations_dir: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(migrations_dir: Path, url: str) -> None:
    """Blocking; call it in a thread from async code (env.py runs its own loop)."""
    command.upgrade(alembic_config(migrations_dir, url), "head")


def run_env(metadata: MetaData) -> None:
    """Body of every service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    asyncio.run(_run_online(url, metadata))


def _migrate(connection: Connection, metadata: MetaData) -> None:
    lock = zlib.crc32(str(connection.engine.url.database).encode())
    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str, metadata: MetaData) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(_migrate, metadata)
    await engine.dispose()
