"""mail_outbox: the official's "your turn" e-mail (4) and the reminders of overdue turns

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 09:01:00.000000
"""

from alembic import op

from epurchasing_shared.mail.migrations import create_mail_outbox, drop_mail_outbox

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_mail_outbox(op)


def downgrade() -> None:
    drop_mail_outbox(op)
