"""mail outbox per hand-off: "your turn" e-mails and overdue reminders beside step 15's

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        'vendor_emails',
        sa.Column('kind', sa.String(40), nullable=False, server_default='package_processed'),
    )
    op.add_column(
        'vendor_emails',
        sa.Column('recipient_role', sa.String(40), nullable=False, server_default='vendor'),
    )
    op.add_column(
        'vendor_emails', sa.Column('sop_step', sa.String(10), nullable=False, server_default='15')
    )
    # One row per hand-off, not per package: the stable Message-ID is the key.
    op.drop_constraint('vendor_emails_pkey', 'vendor_emails', type_='primary')
    op.drop_constraint('vendor_emails_message_id_key', 'vendor_emails', type_='unique')
    op.create_primary_key('vendor_emails_pkey', 'vendor_emails', ['message_id'])
    op.create_index('ix_vendor_emails_package_id', 'vendor_emails', ['package_id'])
    # Step 15's e-mail stays one per package.
    op.create_index(
        'ux_vendor_emails_package_processed',
        'vendor_emails',
        ['package_id'],
        unique=True,
        postgresql_where=sa.text("kind = 'package_processed'"),
    )


def downgrade() -> None:
    op.execute("DELETE FROM vendor_emails WHERE kind <> 'package_processed'")
    op.drop_index('ux_vendor_emails_package_processed', table_name='vendor_emails')
    op.drop_index('ix_vendor_emails_package_id', table_name='vendor_emails')
    op.drop_constraint('vendor_emails_pkey', 'vendor_emails', type_='primary')
    op.create_primary_key('vendor_emails_pkey', 'vendor_emails', ['package_id'])
    op.create_unique_constraint('vendor_emails_message_id_key', 'vendor_emails', ['message_id'])
    for column in ('sop_step', 'recipient_role', 'kind'):
        op.drop_column('vendor_emails', column)
