"""the lists' filters in their keyset order: ratings by vendor or state, the blacklist's pages

GET /ratings?vendor_id= walks the vendor's ratings in (opened_at, id) order and ?state= that
state's (a PPK's pending ratings were found by reading every rating in ix_ratings_opened);
GET /blacklist walks (recorded_at, id), all entries or one vendor's, instead of reading and
sorting the whole table. The cursor is a row comparison the walk starts from. The
single-column vendor_id indexes are the leading columns of the new ones, so they go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 04:08:12.974016
"""

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

LISTINGS = [
    ('ix_ratings_vendor_opened', 'ratings', ['vendor_id', 'opened_at', 'id']),
    ('ix_ratings_state_opened', 'ratings', ['state', 'opened_at', 'id']),
    ('ix_blacklist_entries_recorded', 'blacklist_entries', ['recorded_at', 'id']),
    ('ix_blacklist_entries_vendor_recorded', 'blacklist_entries', ['vendor_id', 'recorded_at', 'id']),
]
SUPERSEDED = [
    ('ix_ratings_vendor_id', 'ratings', ['vendor_id']),
    ('ix_blacklist_entries_vendor_id', 'blacklist_entries', ['vendor_id']),
]


def upgrade() -> None:
    for name, table, columns in LISTINGS:
        op.create_index(name, table, columns, unique=False)
    for name, table, _ in SUPERSEDED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in SUPERSEDED:
        op.create_index(name, table, columns, unique=False)
    for name, table, _ in reversed(LISTINGS):
        op.drop_index(name, table_name=table)
