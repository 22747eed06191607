"""purchase_requests.ppk_email: where the PPK is told it is their turn

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 02:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("purchase_requests", sa.Column("ppk_email", sa.String(320), nullable=True))


def downgrade() -> None:
    op.drop_column("purchase_requests", "ppk_email")
