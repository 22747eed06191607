"""The ordering service's tables (SQLAlchemy Core), the spine's included."""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from epurchasing_shared.mail.sql import CLAIMABLE
from epurchasing_shared.spine import add_spine_tables

metadata = MetaData()
spine = add_spine_tables(metadata)

# The e-purchasing package (steps 13–20); its id is competition's package_id.
packages = Table(
    "packages",
    metadata,
    Column("id", Uuid, primary_key=True),
    # ix_packages_procurement_id: a procurement's few packages (a next winner's after a
    # cancellation), also GET /packages?procurement_id=.
    Column("procurement_id", Uuid, nullable=False, index=True),
    Column("competition_id", Uuid, nullable=False),
    Column("offer_id", Uuid, nullable=False),
    Column("title", Text, nullable=False),
    Column("rup_code", String(100), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("work_unit", String(100), nullable=False),
    Column("ppk", JSONB, nullable=False),
    Column("official", JSONB, nullable=False),
    Column("vendor_id", Uuid, nullable=False),
    Column("vendor", JSONB, nullable=False),
    Column("offered_lines", JSONB, nullable=False),
    Column("offered_shipping_cost", BigInteger, nullable=False),
    # The prices currently on the package: offered, then agreed (17a).
    Column("lines", JSONB, nullable=False),
    Column("shipping_cost", BigInteger, nullable=False),
    Column("pagu", BigInteger, nullable=False),
    Column("delivery_address", Text, nullable=False),
    Column("delivery_deadline", Date, nullable=False),
    Column("state", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("cancel_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
# GET /packages walks (created_at, id): all of them (admins, auditors), or within the caller's
# filter: a PPK's or official's work unit, a vendor's own, one state (migration 0006).
Index("ix_packages_listing", packages.c.created_at, packages.c.id)
Index("ix_packages_work_unit_created", packages.c.work_unit, packages.c.created_at, packages.c.id)
Index("ix_packages_vendor_created", packages.c.vendor_id, packages.c.created_at, packages.c.id)
Index("ix_packages_state_created", packages.c.state, packages.c.created_at, packages.c.id)

negotiation_rounds = Table(
    "negotiation_rounds",
    metadata,
    Column("package_id", Uuid, ForeignKey("packages.id"), nullable=False),
    Column("round", Integer, nullable=False),
    Column("proposed_prices", JSONB, nullable=False),
    Column("proposed_shipping_cost", BigInteger, nullable=False),
    Column("proposed_by", String(200), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
    Column("status", String(30), nullable=False),
    Column("counter_prices", JSONB),
    Column("counter_shipping_cost", BigInteger),
    Column("answered_by", String(200)),
    Column("answered_at", DateTime(timezone=True)),
    Column("answer_reason", Text),
    PrimaryKeyConstraint("package_id", "round"),
)

# The mail outbox: one row per hand-off e-mail. The vendor's e-mail of step 15 (kind
# ``package_processed``, one per package), the "your turn" e-mails of later hand-offs and the
# reminders of overdue turns (one per turn each). The stable Message-ID is the dedupe key.
vendor_emails = Table(
    "vendor_emails",
    metadata,
    Column("message_id", String(300), primary_key=True),
    Column("package_id", Uuid, ForeignKey("packages.id"), nullable=False, index=True),
    Column("procurement_id", Uuid, nullable=False),
    # package_processed (15), your_turn, overdue_reminder; and whom it is for, which step.
    Column("kind", String(40), nullable=False, server_default="package_processed"),
    Column("recipient_role", String(40), nullable=False, server_default="vendor"),
    Column("sop_step", String(10), nullable=False, server_default="15"),
    # The event that caused the e-mail (package_processing): vendor_notified's causation.
    Column("causation_id", String(100)),
    Column("recipient", String(320)),
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    # pending, sending, sent, failed, unconfirmed (notify_vendor.py)
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
)
Index(
    "ux_vendor_emails_package_processed",
    vendor_emails.c.package_id,
    unique=True,
    postgresql_where=vendor_emails.c.kind == "package_processed",
)
Index(
    "ix_vendor_emails_due",
    vendor_emails.c.next_attempt_at,
    postgresql_where=vendor_emails.c.status.in_(CLAIMABLE),  # the sender's claims
)

purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("package_id", Uuid, ForeignKey("packages.id"), nullable=False, unique=True),
    Column("number", String(200), nullable=False, unique=True),
    Column("work_unit", String(100), nullable=False),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("order_date", Date, nullable=False),
    Column("original_total", BigInteger, nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", String(200)),
    # BAST (26), from delivery.goods_handed_over.v1: no addendum after it.
    Column("handed_over_at", DateTime(timezone=True)),
    Column("bast_document_id", Uuid),
    UniqueConstraint("work_unit", "year", "seq"),
)

order_versions = Table(
    "order_versions",
    metadata,
    Column("order_id", Uuid, ForeignKey("purchase_orders.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("lines", JSONB, nullable=False),
    Column("shipping_cost", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("delivery_deadline", Date, nullable=False),
    Column("signatory", Text, nullable=False),
    Column("terms", Text, nullable=False),
    Column("reason", Text),
    Column("document_id", Uuid, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("order_id", "version"),
)

# Per work unit and year, the last order sequence number given out (row-locked on use).
order_number_counters = Table(
    "order_number_counters",
    metadata,
    Column("work_unit", String(100), nullable=False),
    Column("year", Integer, nullable=False),
    Column("last_seq", Integer, nullable=False),
    PrimaryKeyConstraint("work_unit", "year"),
)
