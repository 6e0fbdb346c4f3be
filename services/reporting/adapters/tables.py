"""The reporting service's tables.

`facts` is the read model: every public event consumed, unique by event id. It is
derived data: `chidao report rebuild` truncates it and replays the topics. What is not
derived from events stays across a rebuild: the Office's narrative edits, and the
record of which reminders went out (so a rebuild never re-sends one).

Design note (cost that grows with the work asked, not with history): beside the
payload, each fact keeps the few values a report selects by, taken from the event when
it is stored (`adapters.fact_keys`): its subject (the `key_field`: task, directive,
inspection or violation id), the directive and violation it belongs to, its own instant
(`at`), the reporting year of report events, and two flags computed by the domain
(`scheme`: a directive of the public-service culture scheme; `obligations`: a
directive with recurring reporting duties). With the indexes below, a report loads the
facts of its agency-year and nothing else. `fact_positions` keeps, per agency and
partition, how many facts are held and the highest offset: what a report covers,
without grouping the whole table. All of it is derived, so a rebuild recreates it.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    Uuid,
    false,
    func,
    text,
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
    # Selection keys (see the design note); null where the event has none.
    Column("subject_id", Uuid),
    Column("directive_id", Uuid),
    Column("violation_id", Uuid),
    Column("inspection_id", Uuid),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("year", Integer),
    Column("scheme", Boolean, nullable=False, server_default=false()),
    Column("obligations", Boolean, nullable=False, server_default=false()),
    Index("ix_facts_agency_type_at", "agency", "ce_type", "at"),
    Index("ix_facts_subject", "subject_id"),
    Index(
        "ix_facts_inspection", "inspection_id", postgresql_where=text("inspection_id IS NOT NULL")
    ),
    Index("ix_facts_directive", "directive_id", postgresql_where=text("directive_id IS NOT NULL")),
    Index("ix_facts_type_year", "ce_type", "year", postgresql_where=text("year IS NOT NULL")),
    Index("ix_facts_scheme", "agency", postgresql_where=text("scheme")),
    Index("ix_facts_obligations", "ce_type", postgresql_where=text("obligations")),
)

# Per agency and topic partition: facts held and the highest offset among them.
fact_positions = Table(
    "fact_positions",
    metadata,
    Column("agency", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("partition", Integer, nullable=False),
    Column("max_offset", BigInteger, nullable=False),
    Column("facts", BigInteger, nullable=False),
    PrimaryKeyConstraint("agency", "topic", "partition"),
)

# The reporting duties of the directives (`domain.obligations`), kept as their facts
# arrive: derived, emptied and refilled by a rebuild. `next_due` is the reminder scan's
# bookmark: the first due date that may still need a reminder. The scan reads only the
# duties whose bookmark is within its horizon, so its cost follows what is due.
obligations = Table(
    "obligations",
    metadata,
    Column("obligation_id", Uuid, primary_key=True),
    Column("agency", Text, nullable=False),
    Column("directive_id", Uuid, nullable=False, index=True),
    Column("issued_on", Date, nullable=False),
    Column("body", JSONB, nullable=False),
    Column("revoked", Boolean, nullable=False, server_default=false()),
    Column("next_due", Date, nullable=False),
    Index("ix_obligations_next_due", "next_due", postgresql_where=text("NOT revoked")),
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
