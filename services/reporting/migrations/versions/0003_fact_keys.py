"""fact selection keys and positions, reporting duties

Reports load the facts of their agency-year only (services/reporting/adapters/tables.py,
design note): each fact gains the keys it is selected by, and `fact_positions` counts
facts and keeps the highest offset per agency and partition; `obligations` keeps the
directives' reporting duties with the reminder scan's bookmark. Existing facts are
filled in from their payloads with the service's own functions (a derived read model:
the same ones a rebuild would apply).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations


import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

BATCH = 5000


def _backfill() -> None:
    # Imported here: the live domain code, used once on the rows that exist now.
    from services.reporting.domain.fact_keys import fact_keys
    from shared.contracts.events import EVENTS_BY_TYPE

    bind = op.get_bind()
    last = ''
    while True:
        rows = bind.execute(
            sa.text(
                'SELECT event_id, ce_type, time, payload FROM facts '
                'WHERE event_id > :last ORDER BY event_id LIMIT :n'
            ),
            {'last': last, 'n': BATCH},
        ).all()
        if not rows:
            return
        updates = []
        for event_id, ce_type, time, payload in rows:
            keys = fact_keys(EVENTS_BY_TYPE[ce_type].model_validate(payload), time)
            updates.append({'event_id': event_id, **keys._asdict()})
        bind.execute(
            sa.text(
                'UPDATE facts SET subject_id = :subject_id, directive_id = :directive_id, '
                'violation_id = :violation_id, inspection_id = :inspection_id, at = :at, '
                'year = :year, scheme = :scheme, obligations = :obligations '
                'WHERE event_id = :event_id'
            ),
            updates,
        )
        last = rows[-1][0]


def _obligations() -> None:
    from sqlalchemy.dialects.postgresql import insert

    from services.reporting.adapters.repository import obligation_changes
    from services.reporting.adapters.tables import obligations
    from shared.contracts.events import EVENTS_BY_TYPE

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT ce_type, payload FROM facts WHERE obligations OR "
            "ce_type = 'chidao.directive.revoked.v1' ORDER BY time, event_id"
        )
    ).all()
    events = [EVENTS_BY_TYPE[ce_type].model_validate(payload) for ce_type, payload in rows]
    new, marks = obligation_changes(events)
    if new:
        bind.execute(insert(obligations).on_conflict_do_nothing(), new)
    for mark in marks:
        bind.execute(mark)


def upgrade() -> None:
    for name in ('subject_id', 'directive_id', 'violation_id', 'inspection_id'):
        op.add_column('facts', sa.Column(name, sa.Uuid(), nullable=True))
    op.add_column('facts', sa.Column('at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('facts', sa.Column('year', sa.Integer(), nullable=True))
    for name in ('scheme', 'obligations'):
        op.add_column(
            'facts', sa.Column(name, sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    _backfill()
    op.alter_column('facts', 'at', nullable=False)
    op.drop_index('ix_facts_agency_type', table_name='facts')
    op.create_index('ix_facts_agency_type_at', 'facts', ['agency', 'ce_type', 'at'])
    op.create_index('ix_facts_subject', 'facts', ['subject_id'])
    op.create_index(
        'ix_facts_inspection', 'facts', ['inspection_id'],
        postgresql_where=sa.text('inspection_id IS NOT NULL'),
    )
    op.create_index(
        'ix_facts_directive', 'facts', ['directive_id'],
        postgresql_where=sa.text('directive_id IS NOT NULL'),
    )
    op.create_index(
        'ix_facts_type_year', 'facts', ['ce_type', 'year'],
        postgresql_where=sa.text('year IS NOT NULL'),
    )
    op.create_index('ix_facts_scheme', 'facts', ['agency'], postgresql_where=sa.text('scheme'))
    op.create_index(
        'ix_facts_obligations', 'facts', ['ce_type'], postgresql_where=sa.text('obligations')
    )
    op.create_table(
        'fact_positions',
        sa.Column('agency', sa.Text(), nullable=False),
        sa.Column('topic', sa.Text(), nullable=False),
        sa.Column('partition', sa.Integer(), nullable=False),
        sa.Column('max_offset', sa.BigInteger(), nullable=False),
        sa.Column('facts', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('agency', 'topic', 'partition', name=op.f('pk_fact_positions')),
    )
    op.execute(
        'INSERT INTO fact_positions (agency, topic, partition, max_offset, facts) '
        'SELECT agency, topic, partition, max("offset"), count(*) FROM facts '
        'GROUP BY agency, topic, partition'
    )
    op.create_table(
        'obligations',
        sa.Column('obligation_id', sa.Uuid(), nullable=False),
        sa.Column('agency', sa.Text(), nullable=False),
        sa.Column('directive_id', sa.Uuid(), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('body', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('revoked', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('next_due', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('obligation_id', name=op.f('pk_obligations')),
    )
    op.create_index(
        'ix_obligations_directive_id', 'obligations', ['directive_id'], unique=False
    )
    op.create_index(
        'ix_obligations_next_due', 'obligations', ['next_due'],
        postgresql_where=sa.text('NOT revoked'),
    )
    _obligations()


def downgrade() -> None:
    op.drop_table('obligations')
    op.drop_table('fact_positions')
    for name in (
        'ix_facts_obligations', 'ix_facts_scheme', 'ix_facts_type_year', 'ix_facts_directive',
        'ix_facts_inspection', 'ix_facts_subject', 'ix_facts_agency_type_at',
    ):
        op.drop_index(name, table_name='facts')
    op.create_index('ix_facts_agency_type', 'facts', ['agency', 'ce_type'])
    for name in (
        'obligations', 'scheme', 'year', 'at', 'inspection_id', 'violation_id', 'directive_id',
        'subject_id',
    ):
        op.drop_column('facts', name)
