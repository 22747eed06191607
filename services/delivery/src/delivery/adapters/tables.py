"""The delivery service's tables (SQLAlchemy Core), the spine's included."""

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

fulfilments = Table(
    "fulfilments",
    metadata,
    Column("procurement_id", Uuid, primary_key=True),
    Column("package_id", Uuid, nullable=False),
    Column("order_id", Uuid, nullable=False, unique=True),
    Column("order_number", String(100), nullable=False),
    Column("order_date", Date, nullable=False),
    Column("order_version", Integer, nullable=False),
    Column("order_total", BigInteger, nullable=False),
    Column("shipping_cost", BigInteger, nullable=False),
    Column("pagu", BigInteger, nullable=False),
    Column("lines", JSONB, nullable=False),
    Column("delivery_address", Text, nullable=False),
    Column("delivery_deadline", Date, nullable=False),
    Column("work_unit", String(100), nullable=False),
    Column("ppk_id", String(200), nullable=False),
    Column("ppk_name", String(300), nullable=False),
    Column("vendor_id", Uuid, nullable=False),
    Column("vendor_name", String(300), nullable=False),
    Column("vendor_email", String(300)),
    Column("ppk_email", String(320)),
    Column("state", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("paid_total", BigInteger, nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    # When the BAST was recorded: addenda committed in ordering from then on are not followed.
    Column("handed_over_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
# Keyset pagination of GET /fulfilments walks (created_at, procurement_id): all of them
# (admins, auditors), or within the caller's filter: a PPK's work unit, a vendor's own, one
# state (migration 0007).
Index("ix_fulfilments_created", fulfilments.c.created_at, fulfilments.c.procurement_id)
Index(
    "ix_fulfilments_work_unit_created",
    fulfilments.c.work_unit,
    fulfilments.c.created_at,
    fulfilments.c.procurement_id,
)
Index(
    "ix_fulfilments_vendor_created",
    fulfilments.c.vendor_id,
    fulfilments.c.created_at,
    fulfilments.c.procurement_id,
)
Index(
    "ix_fulfilments_state_created",
    fulfilments.c.state,
    fulfilments.c.created_at,
    fulfilments.c.procurement_id,
)

shipment_entries = Table(
    "shipment_entries",
    metadata,
    Column("procurement_id", Uuid, ForeignKey("fulfilments.procurement_id"), nullable=False),
    Column("entry_no", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("courier", String(200)),
    Column("tracking_number", String(200)),
    Column("happened_at", DateTime(timezone=True), nullable=False),
    Column("note", Text),
    Column("document", JSONB),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("procurement_id", "entry_no"),
)

payments = Table(
    "payments",
    metadata,
    Column("procurement_id", Uuid, ForeignKey("fulfilments.procurement_id"), nullable=False),
    Column("payment_no", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("paid_so_far", BigInteger, nullable=False),
    Column("order_total", BigInteger, nullable=False),
    Column("note", Text),
    Column("payment_document", JSONB, nullable=False),
    Column("receipt", JSONB, nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("procurement_id", "payment_no"),
)

# The BAP and BAST references (kind = bap | bast), one each per fulfilment.
receipts_of_goods = Table(
    "receipts_of_goods",
    metadata,
    Column("procurement_id", Uuid, ForeignKey("fulfilments.procurement_id"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("document", JSONB, nullable=False),
    Column("note", Text),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("procurement_id", "kind"),
)
