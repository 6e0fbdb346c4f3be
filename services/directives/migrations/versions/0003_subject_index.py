"""an index for the duplicate-subject warning

Issuing looked for an issued directive of the same subject in the agency's year by
scanning the year (48 ms at 2,400 directives, 300 ms at 6,000, under the numbering
lock); this expression index makes it one probe.

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


def upgrade() -> None:
    op.create_index(
        'ix_directives_subject',
        'directives',
        ['agency', 'year', sa.text("lower(content ->> 'subject')")],
        postgresql_where=sa.text("status <> 'draft'"),
    )


def downgrade() -> None:
    op.drop_index('ix_directives_subject', table_name='directives')
