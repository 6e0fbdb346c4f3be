"""The tasks service's own tables (plus the shared outbox and inbox)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import new_metadata
from shared.directory_copy import units_table
from shared.messaging.tables import inbox_table, outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

UNFLAGGED = text(
    "status IN ('assigned', 'acknowledged', 'in_progress') AND overdue_notified IS false"
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("agency", Text, nullable=False),
    Column("directive_id", Uuid, index=True),
    Column("directive_reference", Text),
    Column("violation_id", Uuid, unique=True),
    Column("assignment_index", Integer, nullable=False),
    Column("occurrence", Integer),
    Column("lead_code", Text),
    Column("lead_name", Text, nullable=False),
    Column("coordinating_units", JSONB, nullable=False),
    Column("action", Text, nullable=False),
    Column("deadline", JSONB, nullable=False),
    Column("due_date", Date),
    Column("status", Text, nullable=False),
    Column("percent", Integer, nullable=False, server_default=text("0")),
    Column("overdue_notified", Boolean, nullable=False, server_default=text("false")),
    Column("result", Text),
    Column("staff_reached", Integer),
    Column("completed_at", DateTime(timezone=True)),
    Column("on_time", Boolean),
    Column("pending_extension", JSONB),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(
        "status IN ('assigned', 'acknowledged', 'in_progress', 'completed', 'cancelled')",
        name="status",
    ),
    CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
    # A task comes from a directive or remedies a violation, never neither.
    CheckConstraint("(directive_id IS NULL) <> (violation_id IS NULL)", name="origin"),
    CheckConstraint("(status = 'completed') = (completed_at IS NOT NULL)", name="completed"),
    Index("ix_tasks_unit", "agency", "lead_code"),
    # The overdue scan reads the open tasks not flagged yet whose day has come: what is
    # due, never the overdue tasks of past years (`UNFLAGGED` is also its WHERE clause,
    # literally, so the planner matches the partial index).
    Index("ix_tasks_unflagged_due", "due_date", postgresql_where=UNFLAGGED),
)

task_history = Table(
    "task_history",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("task_id", Uuid, ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", Text, nullable=False),
    Column("data", JSONB, nullable=False),
)

# Local copy of each agency's unit directory, from chidao.org.v1.
units = units_table(metadata)

# Which directive each directive implements, from `directive.issued`'s
# parent_directive_id: the lineage `task.assigned` carries (docs/lineage.md).
directive_parents = Table(
    "directive_parents",
    metadata,
    Column("directive_id", Uuid, primary_key=True),
    Column("parent_id", Uuid, nullable=False),
)
