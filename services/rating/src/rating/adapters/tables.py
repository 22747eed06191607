"""The rating service's tables (SQLAlchemy Core), the spine's included."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from epurchasing_shared.spine import add_spine_tables

metadata = MetaData()
spine = add_spine_tables(metadata)

# One row per completed package: pending until its PPK rates it (step 27).
ratings = Table(
    "ratings",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("procurement_id", Uuid, nullable=False, index=True),
    Column("package_id", Uuid, nullable=False, unique=True),
    Column("order_id", Uuid, nullable=False),
    Column("order_number", String(100), nullable=False),
    Column("vendor_id", Uuid, nullable=False),
    Column("vendor_name", String(300), nullable=False),
    Column("ppk_id", String(200), nullable=False),
    Column("ppk_name", String(300), nullable=False),
    Column("work_unit", String(200), nullable=False),
    Column("on_time", Boolean, nullable=False),
    Column("completed_at", DateTime(timezone=True), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("state", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("scores", JSONB),
    Column("weights", JSONB),
    Column("scale_min", Integer),
    Column("scale_max", Integer),
    Column("weighted_points", Integer),
    Column("weight_total", Integer),
    Column("comment", Text),
    Column("rated_at", DateTime(timezone=True)),
    Column("reply", Text),
    Column("replied_at", DateTime(timezone=True)),
    Column("replied_by", String(200)),
)
# The lists' keyset order (GET /ratings pages by opened_at, id): all of them, or a vendor's
# (vendor_id=), or one state's (a PPK's pending ones) (migration 0006).
Index("ix_ratings_opened", ratings.c.opened_at, ratings.c.id)
Index("ix_ratings_vendor_opened", ratings.c.vendor_id, ratings.c.opened_at, ratings.c.id)
Index("ix_ratings_state_opened", ratings.c.state, ratings.c.opened_at, ratings.c.id)

# Whether each vendor is currently below the review threshold: a flag is raised on a crossing.
vendor_reviews = Table(
    "vendor_reviews",
    metadata,
    Column("vendor_id", Uuid, primary_key=True),
    Column("below_threshold", Boolean, nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

# The running sums of each vendor's public scorecard: a completed package adds to the package
# counts (atomically), a rating to the rating sums (under the vendor's row lock). Reading a
# scorecard reads this one row; migration 0004 backfilled it from the ratings.
vendor_scorecards = Table(
    "vendor_scorecards",
    metadata,
    Column("vendor_id", Uuid, primary_key=True),
    Column("vendor_name", String(300)),
    Column("vendor_name_at", DateTime(timezone=True)),
    Column("package_count", Integer, nullable=False, server_default="0"),
    Column("on_time_package_count", Integer, nullable=False, server_default="0"),
    Column("rating_count", Integer, nullable=False, server_default="0"),
    Column("rating_ppk_count", Integer, nullable=False, server_default="0"),
    # The exact sum of the weighted results, a fraction (numerator / denominator).
    Column("result_sum_numerator", Numeric, nullable=False, server_default="0"),
    Column("result_sum_denominator", Numeric, nullable=False, server_default="1"),
    Column("weighted_points_sum", BigInteger, nullable=False, server_default="0"),
    Column("weight_total_sum", BigInteger, nullable=False, server_default="0"),
    # criterion key -> [sum of scores, number of ratings that scored it]
    Column("score_sums", JSONB, nullable=False, server_default="{}"),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Which PPKs have rated which vendor (the scorecard's distinct-PPK count, kept incrementally).
vendor_rating_ppks = Table(
    "vendor_rating_ppks",
    metadata,
    Column("vendor_id", Uuid, primary_key=True),
    Column("ppk_id", String(200), primary_key=True),
)

blacklist_entries = Table(
    "blacklist_entries",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("vendor_id", Uuid, nullable=False),
    Column("vendor_name", String(300)),
    Column("reason", Text, nullable=False),
    Column("decree_reference", String(200), nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("lifted_at", DateTime(timezone=True)),
    Column("lift_reason", Text),
    Column("lifted_by", String(200)),
    CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ck_blacklist_period"),
)
# GET /blacklist pages by (recorded_at, id): all entries, or one vendor's (migration 0006).
Index("ix_blacklist_entries_recorded", blacklist_entries.c.recorded_at, blacklist_entries.c.id)
Index(
    "ix_blacklist_entries_vendor_recorded",
    blacklist_entries.c.vendor_id,
    blacklist_entries.c.recorded_at,
    blacklist_entries.c.id,
)
