"""purchase_requests.return_reason: why the official returned the request (step 4)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-15 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("purchase_requests", sa.Column("return_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("purchase_requests", "return_reason")
