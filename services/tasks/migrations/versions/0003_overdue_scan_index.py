"""the overdue scan's index covers only tasks not flagged yet

The scan asks for open tasks due before today and not yet flagged overdue. The old
index held every open task, so each scan also walked every overdue task of the past
(flagged long ago and still open): a cost that grew with the years. This one holds
only what the scan can still act on.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

UNFLAGGED = "status IN ('assigned', 'acknowledged', 'in_progress') AND overdue_notified IS false"


def upgrade() -> None:
    op.drop_index('ix_tasks_open_due', table_name='tasks')
    op.create_index(
        'ix_tasks_unflagged_due', 'tasks', ['due_date'], postgresql_where=sa.text(UNFLAGGED)
    )


def downgrade() -> None:
    op.drop_index('ix_tasks_unflagged_due', table_name='tasks')
    op.create_index(
        'ix_tasks_open_due',
        'tasks',
        ['due_date'],
        postgresql_where=sa.text("status IN ('assigned', 'acknowledged', 'in_progress')"),
    )
