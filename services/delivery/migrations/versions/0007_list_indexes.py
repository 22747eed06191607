"""GET /fulfilments' filters in its keyset order: (work_unit | vendor_id | state, created_at,
procurement_id)

A PPK's page walks its work unit's fulfilments in (created_at, procurement_id) order, a
vendor's its own, a state filter that state's, from the cursor on (a row comparison), each
joined to its open turn, and stops at the page size; before, a PPK's page read
ix_fulfilments_created and filtered out every other unit's fulfilments. The single-column
indexes are the leading columns of the new ones, so they go.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 04:07:48.332935
"""

from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

LISTINGS = [
    ('ix_fulfilments_work_unit_created', ['work_unit', 'created_at', 'procurement_id']),
    ('ix_fulfilments_vendor_created', ['vendor_id', 'created_at', 'procurement_id']),
    ('ix_fulfilments_state_created', ['state', 'created_at', 'procurement_id']),
]
SUPERSEDED = [
    ('ix_fulfilments_work_unit', ['work_unit']),
    ('ix_fulfilments_vendor_id', ['vendor_id']),
]


def upgrade() -> None:
    for name, columns in LISTINGS:
        op.create_index(name, 'fulfilments', columns, unique=False)
    for name, _ in SUPERSEDED:
        op.drop_index(name, table_name='fulfilments')


def downgrade() -> None:
    for name, columns in SUPERSEDED:
        op.create_index(name, 'fulfilments', columns, unique=False)
    for name, _ in reversed(LISTINGS):
        op.drop_index(name, table_name='fulfilments')
