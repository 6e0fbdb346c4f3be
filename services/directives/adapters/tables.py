"""The directives service's own tables (plus the shared outbox and inbox)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
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
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

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
    # The upper body's directive this one implements, linked when issued (docs/lineage.md).
    Column("parent_directive_id", Uuid, index=True),
    # The agencies it gives duties to (its units that are agencies), set when issued:
    # who receives it as an incoming directive.
    Column("addressed_agencies", ARRAY(Text), nullable=False, server_default="{}"),
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

# Matching a reference ("84/KH-UBND", with or without its date) to an upper body's
# issued directive: one probe per upper agency whatever the year.
Index(
    "ix_directives_issued_serial",
    directives.c.agency,
    directives.c.serial,
    postgresql_where=directives.c.status != "draft",
)
# A department's incoming directives: the issued ones addressed to it.
Index(
    "ix_directives_addressed",
    directives.c.addressed_agencies,
    postgresql_using="gin",
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

# The progress of the tasks of each directive, from chidao.tasks.v1: what the lineage
# view counts (the tasks service owns the tasks; this is the directives service's
# projection of their events, never a call to it).
task_progress = Table(
    "task_progress",
    metadata,
    Column("task_id", Uuid, primary_key=True),
    Column("directive_id", Uuid, nullable=False, index=True),
    Column("agency", Text, nullable=False),
    Column("assignment_index", Integer, nullable=False),
    Column("lead_code", Text),
    Column("status", Text, nullable=False),
    Column("on_time", Boolean),
    Column("overdue", Boolean, nullable=False, server_default="false"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("status IN ('open', 'completed', 'cancelled')", name="status"),
)
