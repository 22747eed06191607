"""the lists' filters in their keyset order, and the vendor's eligibility as a GIN index

GET /purchase-requests walks (created_at, id) within the caller's filter: a buyer's work unit
and the official it is addressed to (two walks merged, request_page_query), an admin's all of
them or one state's. GET /competitions the same, newest first, by work unit or state; a
vendor's page asks ``eligible_vendor_ids @> [its id]``, answered by a GIN index
(jsonb_path_ops) instead of reading every competition. The single-column indexes on
work_unit, official_id and state are the leading columns of the new ones, so they go.
GET /catalogue/products?category= pages by id within the category.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 04:05:45.511537
"""

from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

LISTINGS = [
    ('ix_purchase_requests_work_unit_created', 'purchase_requests', ['work_unit', 'created_at', 'id']),
    ('ix_purchase_requests_official_created', 'purchase_requests', ['official_id', 'created_at', 'id']),
    ('ix_purchase_requests_state_created', 'purchase_requests', ['state', 'created_at', 'id']),
    ('ix_purchase_requests_created', 'purchase_requests', ['created_at', 'id']),
    ('ix_competitions_work_unit_created', 'competitions', ['work_unit', 'created_at', 'id']),
    ('ix_competitions_state_created', 'competitions', ['state', 'created_at', 'id']),
    ('ix_competitions_created', 'competitions', ['created_at', 'id']),
    ('ix_products_category_id', 'products', ['category', 'id']),
]
SUPERSEDED = [
    ('ix_purchase_requests_work_unit', 'purchase_requests', ['work_unit']),
    ('ix_purchase_requests_official_id', 'purchase_requests', ['official_id']),
    ('ix_purchase_requests_state', 'purchase_requests', ['state']),
    ('ix_competitions_work_unit', 'competitions', ['work_unit']),
    ('ix_competitions_state', 'competitions', ['state']),
    ('ix_products_category', 'products', ['category']),
]
GIN_OPS = {'eligible_vendor_ids': 'jsonb_path_ops'}


def upgrade() -> None:
    for name, table, columns in LISTINGS:
        op.create_index(name, table, columns, unique=False)
    op.create_index(
        'ix_competitions_eligible_vendor_ids',
        'competitions',
        ['eligible_vendor_ids'],
        unique=False,
        postgresql_using='gin',
        postgresql_ops=GIN_OPS,
    )
    for name, table, _ in SUPERSEDED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in SUPERSEDED:
        op.create_index(name, table, columns, unique=False)
    op.drop_index('ix_competitions_eligible_vendor_ids', table_name='competitions')
    for name, table, _ in reversed(LISTINGS):
        op.drop_index(name, table_name=table)
