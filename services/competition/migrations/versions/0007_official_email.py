"""purchase_requests.official_email: where the official is told it is their turn (4)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "purchase_requests", sa.Column("official_email", sa.String(320), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("purchase_requests", "official_email")
