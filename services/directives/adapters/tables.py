"""The directives service's own tables (plus the shared outbox and inbox)."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import new_metadata
from shared.messaging.tables import inbox_table, outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

directives = Table(
    "directives",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("agency", Text, nullable=False, index=True),
    Column("status", Text, nullable=False),
    Column("content", JSONB, nullable=False),
    Column("warnings", JSONB, nullable=False),
    Column("year", Integer),
    Column("serial", Integer),
    Column("issued_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoke_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("status IN ('draft', 'issued', 'revoked')", name="status"),
    CheckConstraint(
        "status = 'draft' OR (year IS NOT NULL AND serial IS NOT NULL AND issued_at IS NOT NULL)",
        name="issued_has_number",
    ),
    # Decree 30: a number is unique within the agency's year.
    UniqueConstraint("agency", "year", "serial", name="uq_directives_number"),
)

# The duplicate warning's lookup (same subject, same agency-year, issued): one index
# probe whatever the year holds. `repository.subject_key` is the same expression.
Index(
    "ix_directives_subject",
    directives.c.agency,
    directives.c.year,
    func.lower(directives.c.content["subject"].astext),
    postgresql_where=directives.c.status != "draft",
)

# The last number issued per agency and year; the row lock serialises numbering.
number_series = Table(
    "number_series",
    metadata,
    Column("agency", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("last_serial", Integer, nullable=False),
    PrimaryKeyConstraint("agency", "year"),
    CheckConstraint("last_serial >= 1", name="positive"),
)

# What directory version was last published, so a restart does not republish it.
published_directories = Table(
    "published_directories",
    metadata,
    Column("agency", Text, primary_key=True),
    Column("digest", Text, nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
