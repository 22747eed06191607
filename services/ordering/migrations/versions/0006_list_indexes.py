"""GET /packages' filters in its keyset order: (work_unit | vendor_id | state, created_at, id)

A PPK's or official's page walks its work unit's packages in (created_at, id) order, a
vendor's its own, a state filter that state's, from the cursor on (a row comparison), and
stops at the page size; before, the work unit's page read ix_packages_listing and filtered
out every other unit's packages. The single-column indexes are the leading columns of the
new ones, so they go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 04:07:26.974573
"""

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

LISTINGS = [
    ('ix_packages_work_unit_created', ['work_unit', 'created_at', 'id']),
    ('ix_packages_vendor_created', ['vendor_id', 'created_at', 'id']),
    ('ix_packages_state_created', ['state', 'created_at', 'id']),
]
SUPERSEDED = [
    ('ix_packages_work_unit', ['work_unit']),
    ('ix_packages_vendor_id', ['vendor_id']),
    ('ix_packages_state', ['state']),
]


def upgrade() -> None:
    for name, columns in LISTINGS:
        op.create_index(name, 'packages', columns, unique=False)
    for name, _ in SUPERSEDED:
        op.drop_index(name, table_name='packages')


def downgrade() -> None:
    for name, columns in SUPERSEDED:
        op.create_index(name, 'packages', columns, unique=False)
    for name, _ in reversed(LISTINGS):
        op.drop_index(name, table_name='packages')
