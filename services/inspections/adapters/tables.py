"""The inspections service's own tables (plus the shared outbox and inbox).

The CHECK constraints repeat the domain's invariants that a row can express, so a bug
in the code cannot store an impossible state."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import new_metadata
from shared.directory_copy import units_table
from shared.messaging.tables import inbox_table, outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

SEVERITIES = "('minor', 'moderate', 'serious')"

# Team, targets and scope are small lists read and written with their inspection, and
# frozen once planned: JSONB, not tables of their own.
inspections = Table(
    "inspections",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("agency", Text, nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("decision", JSONB, nullable=False),
    Column("team", JSONB, nullable=False),
    Column("targets", JSONB, nullable=False),
    Column("scope", JSONB, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("status IN ('planned', 'completed')", name="status"),
    CheckConstraint("(status = 'completed') = (completed_at IS NOT NULL)", name="completed"),
    CheckConstraint("period_start <= period_end", name="period"),
)

# One row per target unit and criterion: compliant, or a finding.
results = Table(
    "results",
    metadata,
    Column("inspection_id", Uuid, ForeignKey("inspections.id", ondelete="CASCADE"), nullable=False),
    Column("unit", Text, nullable=False),
    Column("criterion", Text, nullable=False),
    Column("inspected_on", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("compliant", Boolean, nullable=False),
    Column("severity", Text),
    Column("description", Text),
    Column("evidence", Text),
    Column("person", Text),
    Column("remediation_due", Date),
    PrimaryKeyConstraint("inspection_id", "unit", "criterion"),
    CheckConstraint(f"severity IS NULL OR severity IN {SEVERITIES}", name="severity"),
    CheckConstraint(
        "compliant = (severity IS NULL AND description IS NULL AND remediation_due IS NULL)"
        " AND (compliant OR (severity IS NOT NULL AND description IS NOT NULL"
        " AND remediation_due IS NOT NULL))",
        name="finding",
    ),
    CheckConstraint("remediation_due > inspected_on", name="remediation_after_inspection"),
)

# The findings of completed inspections, as published, and their verification.
violations = Table(
    "violations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("inspection_id", Uuid, nullable=False, index=True),
    Column("agency", Text, nullable=False),
    Column("unit_code", Text, nullable=False),
    Column("unit_name", Text, nullable=False),
    Column("criterion", Text, nullable=False),
    Column("criterion_title", Text, nullable=False),
    Column("area", Text, nullable=False),
    Column("severity", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("person", Text),
    Column("remediation_due", Date, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolution_note", Text),
    Column("on_time", Boolean),
    # A violation is a result with a finding; results are final by then.
    ForeignKeyConstraint(
        ["inspection_id", "unit_code", "criterion"],
        ["results.inspection_id", "results.unit", "results.criterion"],
        ondelete="CASCADE",
    ),
    CheckConstraint(f"severity IN {SEVERITIES}", name="severity"),
    CheckConstraint("area IN ('attitude', 'conduct', 'ethics', 'dress')", name="area"),
    CheckConstraint(
        "(resolved_at IS NULL) = (on_time IS NULL)"
        " AND (resolved_at IS NULL) = (resolution_note IS NULL)",
        name="resolved",
    ),
    Index("ix_violations_unit", "agency", "unit_code"),
)

# Local copy of each agency's unit directory, from chidao.org.v1.
units = units_table(metadata)
