"""The reporting service's tables.

`facts` is the read model: every public event consumed, unique by event id. It is
derived data: `chidao report rebuild` truncates it and replays the topics. What is not
derived from events stays across a rebuild: the Office's narrative edits, and the
record of which reminders went out (so a rebuild never re-sends one).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import new_metadata
from shared.messaging.tables import inbox_table, outbox_table

metadata = new_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)

facts = Table(
    "facts",
    metadata,
    Column("event_id", Text, primary_key=True),
    Column("agency", Text, nullable=False),
    Column("ce_type", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("time", DateTime(timezone=True), nullable=False),
    Column("payload", JSONB, nullable=False),
    Index("ix_facts_agency_type", "agency", "ce_type"),
)

narratives = Table(
    "narratives",
    metadata,
    Column("agency", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("sections", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("agency", "year"),
)

reminders_sent = Table(
    "reminders_sent",
    metadata,
    Column("obligation_id", Uuid, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("key", Text, nullable=False),  # before-30, before-7, before-1, overdue, skipped-…
    Column("sent_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("obligation_id", "due_date", "key"),
)

# One submission per agency and year; written with the `report.submitted` outbox row.
submissions = Table(
    "submissions",
    metadata,
    Column("agency", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("agency", "year"),
)
