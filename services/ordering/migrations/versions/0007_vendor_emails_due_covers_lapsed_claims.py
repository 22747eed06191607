"""ix_vendor_emails_due covers lapsed claims too: status IN ('pending', 'sending')

The mail sender's one look (``claim_next``) takes the first due e-mail or lapsed claim, and
asks whether another is due, with ``status IN ('pending', 'sending')``; an index on
``status = 'pending'`` alone cannot serve it, so every look read the whole table. The shared
``mail_outbox`` tables of competition and delivery had the wider index from the start.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 11:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _due_index(where: str) -> None:
    op.drop_index('ix_vendor_emails_due', table_name='vendor_emails')
    op.create_index(
        'ix_vendor_emails_due',
        'vendor_emails',
        ['next_attempt_at'],
        unique=False,
        postgresql_where=sa.text(where),
    )


def upgrade() -> None:
    _due_index("status IN ('pending', 'sending')")


def downgrade() -> None:
    _due_index("status = 'pending'")
