"""fulfilments.ppk_email: where the PPK is told it is their turn (25: goods delivered)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("fulfilments", sa.Column("ppk_email", sa.String(320), nullable=True))


def downgrade() -> None:
    op.drop_column("fulfilments", "ppk_email")
