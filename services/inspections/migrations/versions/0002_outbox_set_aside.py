"""outbox rows set aside

A row the broker keeps refusing (too large, a topic it may not write) is set aside
after its retries, so the events behind it are published; `chidao outbox stuck`
lists such rows.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('outbox', sa.Column('set_aside_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('outbox', 'set_aside_at')
