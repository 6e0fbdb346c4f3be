"""initial

Revision ID: 0001
Revises: 
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox',
    sa.Column('consumer', sa.Text(), nullable=False),
    sa.Column('event_id', sa.Text(), nullable=False),
    sa.Column('event_type', sa.Text(), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('partition', sa.Integer(), nullable=False),
    sa.Column('offset', sa.BigInteger(), nullable=False),
    sa.Column('handled_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('consumer', 'event_id', name=op.f('pk_inbox'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.Text(), nullable=False),
    sa.Column('event_type', sa.Text(), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('headers', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('value', sa.LargeBinary(), nullable=False),
    sa.Column('traceparent', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_attempts')),
    sa.CheckConstraint('published_at IS NULL OR published_at >= created_at', name=op.f('ck_outbox_published')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('event_id', name=op.f('uq_outbox_event_id'))
    )
    op.create_index('ix_outbox_pending', 'outbox', ['id'], unique=False, postgresql_where=sa.text('published_at IS NULL'))
    op.create_table('tasks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('agency', sa.Text(), nullable=False),
    sa.Column('directive_id', sa.Uuid(), nullable=True),
    sa.Column('directive_reference', sa.Text(), nullable=True),
    sa.Column('violation_id', sa.Uuid(), nullable=True),
    sa.Column('assignment_index', sa.Integer(), nullable=False),
    sa.Column('occurrence', sa.Integer(), nullable=True),
    sa.Column('lead_code', sa.Text(), nullable=True),
    sa.Column('lead_name', sa.Text(), nullable=False),
    sa.Column('coordinating_units', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('deadline', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('percent', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('overdue_notified', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('staff_reached', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('pending_extension', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("(status = 'completed') = (completed_at IS NOT NULL)", name=op.f('ck_tasks_completed')),
    sa.CheckConstraint("status IN ('assigned', 'acknowledged', 'in_progress', 'completed', 'cancelled')", name=op.f('ck_tasks_status')),
    sa.CheckConstraint('(directive_id IS NULL) <> (violation_id IS NULL)', name=op.f('ck_tasks_origin')),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_tasks_percent')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks')),
    sa.UniqueConstraint('violation_id', name=op.f('uq_tasks_violation_id'))
    )
    op.create_index(op.f('ix_tasks_directive_id'), 'tasks', ['directive_id'], unique=False)
    op.create_index('ix_tasks_open_due', 'tasks', ['due_date'], unique=False, postgresql_where=sa.text("status IN ('assigned', 'acknowledged', 'in_progress')"))
    op.create_index('ix_tasks_unit', 'tasks', ['agency', 'lead_code'], unique=False)
    op.create_table('units',
    sa.Column('agency', sa.Text(), nullable=False),
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('staff', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('agency', 'code', name=op.f('pk_units'))
    )
    op.create_table('task_history',
    sa.Column('id', sa.BigInteger(), autoincrement=True, nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_history_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_history'))
    )
    op.create_index(op.f('ix_task_history_task_id'), 'task_history', ['task_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_task_history_task_id'), table_name='task_history')
    op.drop_table('task_history')
    op.drop_table('units')
    op.drop_index('ix_tasks_unit', table_name='tasks')
    op.drop_index('ix_tasks_open_due', table_name='tasks', postgresql_where=sa.text("status IN ('assigned', 'acknowledged', 'in_progress')"))
    op.drop_index(op.f('ix_tasks_directive_id'), table_name='tasks')
    op.drop_table('tasks')
    op.drop_index('ix_outbox_pending', table_name='outbox', postgresql_where=sa.text('published_at IS NULL'))
    op.drop_table('outbox')
    op.drop_table('inbox')
