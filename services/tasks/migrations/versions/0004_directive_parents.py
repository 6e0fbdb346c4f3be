"""which directive each directive implements (the lineage task.assigned carries)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'directive_parents',
        sa.Column('directive_id', sa.Uuid(), nullable=False),
        sa.Column('parent_id', sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint('directive_id', name=op.f('pk_directive_parents')),
    )


def downgrade() -> None:
    op.drop_table('directive_parents')
