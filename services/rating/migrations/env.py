"""Alembic environment of the rating service (its own database)."""

from alembic import context

from epurchasing_shared.migrations import run_migrations_online
from rating.adapters.tables import metadata

run_migrations_online(context.config.get_main_option("sqlalchemy.url"), metadata)
