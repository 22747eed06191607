"""The ordering service's tables (SQLAlchemy Core), the spine's included."""

from sqlalchemy import MetaData

from epurchasing_shared.spine import add_spine_tables

metadata = MetaData()
spine = add_spine_tables(metadata)
