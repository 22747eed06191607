"""Alembic environment of the competition service (its own database)."""

from alembic import context

from competition.adapters.tables import metadata
from epurchasing_shared.migrations import run_migrations_online

run_migrations_online(context.config.get_main_option("sqlalchemy.url"), metadata)
