"""directives that cascade: the parent link, the addressed agencies, task progress

A directive citing an upper body's directive issued on the platform is linked to it
(`parent_directive_id`); a province directive records the departments it gives duties
to (`addressed_agencies`, their incoming directives); `task_progress` is the projection
of chidao.tasks.v1 the lineage view counts (docs/lineage.md).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('directives', sa.Column('parent_directive_id', sa.Uuid(), nullable=True))
    op.add_column(
        'directives',
        sa.Column(
            'addressed_agencies',
            postgresql.ARRAY(sa.Text()),
            server_default='{}',
            nullable=False,
        ),
    )
    op.create_index(
        op.f('ix_directives_parent_directive_id'), 'directives', ['parent_directive_id']
    )
    op.create_index(
        'ix_directives_issued_serial',
        'directives',
        ['agency', 'serial'],
        postgresql_where=sa.text("status <> 'draft'"),
    )
    op.create_index(
        'ix_directives_addressed',
        'directives',
        ['addressed_agencies'],
        postgresql_using='gin',
        postgresql_where=sa.text("status <> 'draft'"),
    )
    op.create_table(
        'task_progress',
        sa.Column('task_id', sa.Uuid(), nullable=False),
        sa.Column('directive_id', sa.Uuid(), nullable=False),
        sa.Column('agency', sa.Text(), nullable=False),
        sa.Column('assignment_index', sa.Integer(), nullable=False),
        sa.Column('lead_code', sa.Text(), nullable=True),
        sa.Column('status', sa.Text(), nullable=False),
        sa.Column('on_time', sa.Boolean(), nullable=True),
        sa.Column('overdue', sa.Boolean(), server_default='false', nullable=False),
        sa.Column(
            'updated_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "status IN ('open', 'completed', 'cancelled')", name=op.f('ck_task_progress_status')
        ),
        sa.PrimaryKeyConstraint('task_id', name=op.f('pk_task_progress')),
    )
    op.create_index(
        op.f('ix_task_progress_directive_id'), 'task_progress', ['directive_id']
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_task_progress_directive_id'), table_name='task_progress')
    op.drop_table('task_progress')
    op.drop_index('ix_directives_addressed', table_name='directives')
    op.drop_index('ix_directives_issued_serial', table_name='directives')
    op.drop_index(op.f('ix_directives_parent_directive_id'), table_name='directives')
    op.drop_column('directives', 'addressed_agencies')
    op.drop_column('directives', 'parent_directive_id')
