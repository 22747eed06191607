"""turns, hash-chained append-only history (prev_hash, hash, history_heads, trigger)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00.000000
"""
from alembic import op

from epurchasing_shared.spine_migrations import downgrade_turns_and_chain, upgrade_turns_and_chain

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    upgrade_turns_and_chain(op)


def downgrade() -> None:
    downgrade_turns_and_chain(op)
