"""The competition service's tables (SQLAlchemy Core), the spine's included."""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from epurchasing_shared.spine import add_spine_tables

metadata = MetaData()
spine = add_spine_tables(metadata)

purchase_requests = Table(
    "purchase_requests",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("work_unit", String(120), nullable=False, index=True),
    Column("ppk_id", String(200), nullable=False),
    Column("ppk_name", String(200), nullable=False),
    Column("ppk_email", String(320)),
    Column("official_id", String(200), index=True),
    Column("official_name", String(200)),
    Column("rup_code", String(60), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("dpa_number", String(120), nullable=False),
    Column("pagu", BigInteger, nullable=False),
    Column("title", String(300), nullable=False),
    Column("specification", Text, nullable=False),
    Column("items", JSONB, nullable=False),
    Column("delivery_address", Text, nullable=False),
    Column("delivery_date", Date, nullable=False),
    Column("state", String(40), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("document_kinds", JSONB, nullable=False),
    Column("return_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

vendors = Table(
    "vendors",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

categories = Table(
    "categories",
    metadata,
    Column("code", String(120), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

products = Table(
    "products",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("vendor_id", Uuid, ForeignKey("vendors.id"), nullable=False, index=True),
    Column("category", String(120), ForeignKey("categories.code"), nullable=False, index=True),
    Column("name", String(300), nullable=False),
    Column("unit", String(40), nullable=False),
    Column("unit_price", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

competitions = Table(
    "competitions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column(
        "purchase_request_id",
        Uuid,
        ForeignKey("purchase_requests.id"),
        nullable=False,
        index=True,
    ),
    Column("work_unit", String(120), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("category", String(120), nullable=False),
    Column("product_id", Uuid),
    Column("product_name", String(300)),
    Column("items", JSONB, nullable=False),
    Column("pagu", BigInteger, nullable=False),
    Column("delivery_deadline", Date, nullable=False),
    Column("offer_deadline", DateTime(timezone=True)),
    Column("state", String(40), nullable=False, index=True),
    Column("version", Integer, nullable=False),
    Column("eligible_vendor_ids", JSONB, nullable=False),
    Column("outcome", String(20)),
    Column("failure_reason", String(40)),
    Column("ranking", JSONB),
    # Looked up by delivery.package_completed.v1 (package -> request).
    Column("package_id", Uuid, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

offers = Table(
    "offers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("competition_id", Uuid, ForeignKey("competitions.id"), nullable=False),
    Column("vendor_id", Uuid, ForeignKey("vendors.id"), nullable=False),
    Column("lines", JSONB, nullable=False),
    Column("shipping_cost", BigInteger, nullable=False),
    Column("delivery_days", Integer, nullable=False),
    Column("evaluated_price", BigInteger, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("withdrawn_at", DateTime(timezone=True)),
    # One live offer per vendor and competition: a revision replaces it (the latest counts).
    UniqueConstraint("competition_id", "vendor_id", name="uq_offers_competition_vendor"),
)

blacklist_entries = Table(
    "blacklist_entries",
    metadata,
    Column("entry_id", Uuid, primary_key=True),
    Column("vendor_id", Uuid, nullable=False, index=True),
    Column("vendor_name", String(200)),
    Column("reason", Text),
    Column("decree_reference", String(200)),
    Column("starts_on", Date),
    Column("ends_on", Date),
    Column("recorded_at", DateTime(timezone=True)),
    Column("lifted_at", DateTime(timezone=True)),
    Column("lift_reason", Text),
)
