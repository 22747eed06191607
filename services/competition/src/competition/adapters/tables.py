"""The competition service's tables (SQLAlchemy Core), the spine's included."""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from epurchasing_shared.mail.sql import add_mail_outbox_table
from epurchasing_shared.spine import add_spine_tables

metadata = MetaData()
spine = add_spine_tables(metadata)
# The "your turn" e-mails and reminders (epurchasing_shared.mail).
mail_outbox = add_mail_outbox_table(metadata)

purchase_requests = Table(
    "purchase_requests",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("work_unit", String(120), nullable=False),
    Column("ppk_id", String(200), nullable=False),
    Column("ppk_name", String(200), nullable=False),
    Column("ppk_email", String(320)),
    Column("official_id", String(200)),
    Column("official_name", String(200)),
    Column("official_email", String(320)),
    Column("rup_code", String(60), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("dpa_number", String(120), nullable=False),
    Column("pagu", BigInteger, nullable=False),
    Column("title", String(300), nullable=False),
    Column("specification", Text, nullable=False),
    Column("items", JSONB, nullable=False),
    Column("delivery_address", Text, nullable=False),
    Column("delivery_date", Date, nullable=False),
    Column("state", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document_kinds", JSONB, nullable=False),
    Column("return_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
# The list's filters, each in its keyset order (created_at, id): a buyer's page walks the work
# unit's and the official's (procurement_repository.request_page_query), an admin's or
# auditor's all of them or one state's.
Index(
    "ix_purchase_requests_work_unit_created",
    purchase_requests.c.work_unit,
    purchase_requests.c.created_at,
    purchase_requests.c.id,
)
Index(
    "ix_purchase_requests_official_created",
    purchase_requests.c.official_id,
    purchase_requests.c.created_at,
    purchase_requests.c.id,
)
Index(
    "ix_purchase_requests_state_created",
    purchase_requests.c.state,
    purchase_requests.c.created_at,
    purchase_requests.c.id,
)
Index("ix_purchase_requests_created", purchase_requests.c.created_at, purchase_requests.c.id)

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
    Column("category", String(120), ForeignKey("categories.code"), nullable=False),
    Column("name", String(300), nullable=False),
    Column("unit", String(40), nullable=False),
    Column("unit_price", BigInteger, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
# GET /catalogue/products?category=: the category's products in the page's order (by id).
Index("ix_products_category_id", products.c.category, products.c.id)

competitions = Table(
    "competitions",
    metadata,
    Column("id", Uuid, primary_key=True),
    # ix_competitions_purchase_request_id: a request's few competitions (its first, any
    # re-run after a failed one), also GET /competitions?purchase_request_id=.
    Column(
        "purchase_request_id",
        Uuid,
        ForeignKey("purchase_requests.id"),
        nullable=False,
        index=True,
    ),
    Column("work_unit", String(120), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("category", String(120), nullable=False),
    Column("product_id", Uuid),
    Column("product_name", String(300)),
    Column("items", JSONB, nullable=False),
    Column("pagu", BigInteger, nullable=False),
    Column("delivery_deadline", Date, nullable=False),
    Column("offer_deadline", DateTime(timezone=True)),
    Column("state", String(40), nullable=False),
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
# The list's filters in its keyset order (created_at, id; walked backwards, newest first): a
# buyer's by work unit, an admin's or auditor's all or one state's (the state also finds the
# open competitions past their deadline). A vendor's page asks eligible_vendor_ids @> [its id]:
# a GIN index (jsonb_path_ops: containment only) finds them, the page sorts that vendor's few.
Index(
    "ix_competitions_work_unit_created",
    competitions.c.work_unit,
    competitions.c.created_at,
    competitions.c.id,
)
Index(
    "ix_competitions_state_created",
    competitions.c.state,
    competitions.c.created_at,
    competitions.c.id,
)
Index("ix_competitions_created", competitions.c.created_at, competitions.c.id)
Index(
    "ix_competitions_eligible_vendor_ids",
    competitions.c.eligible_vendor_ids,
    postgresql_using="gin",
    postgresql_ops={"eligible_vendor_ids": "jsonb_path_ops"},
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
