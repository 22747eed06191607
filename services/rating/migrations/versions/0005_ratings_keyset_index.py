"""the ratings' keyset order as an index (GET /ratings pages by opened_at, id)

With the open turn joined to each rating (the "turn" of a rating, the overdue and turn=mine
filters), a page walks the ratings in this order and looks each one's open turn up in
ux_turns_open_aggregate, stopping at the page size, instead of sorting every visible rating.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 09:00:00.000000
"""

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_ratings_opened', 'ratings', ['opened_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ratings_opened', table_name='ratings')
