"""Request and response bodies of the ordering API.

Requests are strict (``strict=True``: no ``"100"`` for a number, no ``true`` for 1, no extra
fields), bounded (every list capped, every text limited) and carry realistic examples from the
demo's catalogue (Dinas Kesehatan buying laptops from CV Maju Jaya Komputer). Responses are the
package views of ``application/views.py``, typed so that a front end can generate a client.
"""

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from epurchasing_shared.documents import DocumentRef
from ordering.domain.negotiation import PriceSet, RoundStatus
from ordering.domain.states import PackageState

# Upper bounds of what a request may carry, well inside PostgreSQL's bigint (about 9.2e18):
# a bigger number is a 422 from validation, never an overflow (500) in the database.
MAX_RUPIAH = 10**15
MAX_QUANTITY = 10**9
MAX_LINE_NO = 10**6
MAX_LINES = 1000
STRICT = ConfigDict(extra="forbid", strict=True)

LineNo = Field(ge=1, le=MAX_LINE_NO, description="The package line (1, 2, ...)", examples=[1])


class ItemPriceIn(BaseModel):
    model_config = STRICT

    line_no: StrictInt = LineNo
    unit_price: StrictInt = Field(
        ge=0, le=MAX_RUPIAH, description="Unit price in whole rupiah", examples=[9_800_000]
    )


def _price_set(prices: list[ItemPriceIn], shipping_cost: int) -> PriceSet:
    return PriceSet({p.line_no: p.unit_price for p in prices}, shipping_cost)


def _no_duplicate_lines(prices: list[ItemPriceIn]) -> None:
    numbers = [p.line_no for p in prices]
    if len(numbers) != len(set(numbers)):
        raise ValueError("each line may be priced only once")


class ProposalIn(BaseModel):
    """The official's proposal (17): a unit price for every line, and shipping; each at most
    the vendor's last price (its offer or its last counter-offer)."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "prices": [{"line_no": 1, "unit_price": 9_800_000}],
                    "shipping_cost": 200_000,
                    "note": "Mohon penyesuaian harga laptop sesuai HPS Dinas Kesehatan",
                }
            ]
        },
    )

    prices: list[ItemPriceIn] = Field(min_length=1, max_length=MAX_LINES)
    shipping_cost: StrictInt = Field(ge=0, le=MAX_RUPIAH, examples=[200_000])
    note: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _unique(self) -> "ProposalIn":
        _no_duplicate_lines(self.prices)
        return self

    def price_set(self) -> PriceSet:
        return _price_set(self.prices, self.shipping_cost)


class RejectionIn(BaseModel):
    """The vendor's rejection (17b), optionally with counter-prices (all lines and shipping),
    each at most the vendor's own previous price."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "counter_prices": [{"line_no": 1, "unit_price": 9_900_000}],
                    "counter_shipping_cost": 250_000,
                    "reason": "Harga tersebut di bawah harga pokok kami",
                }
            ]
        },
    )

    counter_prices: list[ItemPriceIn] | None = Field(
        default=None, min_length=1, max_length=MAX_LINES
    )
    counter_shipping_cost: StrictInt | None = Field(default=None, ge=0, le=MAX_RUPIAH)
    reason: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _complete(self) -> "RejectionIn":
        if (self.counter_prices is None) != (self.counter_shipping_cost is None):
            raise ValueError("counter_prices and counter_shipping_cost go together")
        if self.counter_prices:
            _no_duplicate_lines(self.counter_prices)
        return self

    def counter(self) -> PriceSet | None:
        if self.counter_prices is None or self.counter_shipping_cost is None:
            return None
        return _price_set(self.counter_prices, self.counter_shipping_cost)


class ReasonIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [{"reason": "Harga melebihi pagu anggaran Dinas Kesehatan"}]
        },
    )

    reason: str = Field(min_length=3, max_length=2000)


# --- responses -------------------------------------------------------------------------------


class PersonOut(BaseModel):
    id: str = Field(examples=["ppk-dinkes-1"])
    name: str = Field(examples=["dr. Budi Santoso (PPK)"])


class VendorOut(BaseModel):
    id: UUID
    name: str = Field(examples=["CV Maju Jaya Komputer"])


class OrderLineOut(BaseModel):
    line_no: int = Field(examples=[1])
    product_id: UUID | None
    description: str = Field(examples=["ASUS VivoBook 14 A1404 (Core i5-1335U, RAM 16 GB)"])
    quantity: int = Field(examples=[10])
    unit: str = Field(examples=["unit"])
    unit_price: int = Field(examples=[9_950_000])
    line_total: int = Field(examples=[99_500_000])


class TurnOut(BaseModel):
    """Whose turn it is on the package: the SOP step the actor must do next, due when."""

    sop_step: str = Field(examples=["20"])
    actor_role: str = Field(examples=["ppk"])
    actor_id: str | None = Field(
        description="The named official's or PPK's user id; for a vendor, its VENDOR id",
        examples=["ppk-dinkes-1"],
    )
    work_unit: str | None = Field(examples=["dinkes"])
    started_at: datetime
    due_at: datetime = Field(
        description="End (23:59:59.999999 WIB) of the N-th working day after the hand-off"
    )
    overdue: bool


class PackageSummary(BaseModel):
    """A package as a list shows it."""

    id: UUID
    procurement_id: UUID
    competition_id: UUID
    title: str = Field(examples=["Pengadaan laptop Dinas Kesehatan Kabupaten Mojokerto"])
    rup_code: str = Field(examples=["RUP-2026-0042"])
    fiscal_year: int = Field(examples=[2026])
    work_unit: str = Field(examples=["dinkes"])
    ppk: PersonOut
    official: PersonOut
    vendor: VendorOut
    state: PackageState
    version: int = Field(description="Send it back as If-Match", examples=[3])
    lines: list[OrderLineOut]
    shipping_cost: int = Field(examples=[250_000])
    total: int = Field(examples=[99_750_000])
    pagu: int = Field(examples=[110_000_000])
    delivery_address: str = Field(examples=["Jl. Raya Jabon No. 1, Mojokerto"])
    delivery_deadline: date
    cancel_reason: str | None
    allowed_actions: list[str] = Field(examples=[["propose", "cancel"]])
    turn: TurnOut | None = Field(
        description="Whose turn it is (null: no one's in ordering: cancelled, acknowledged, ...)"
    )


class RoundOut(BaseModel):
    """One negotiation round (17): the official's proposal and the vendor's answer."""

    round: int = Field(examples=[1])
    status: RoundStatus
    proposed_prices: dict[str, int] = Field(
        description="Unit price by line number", examples=[{"1": 9_800_000}]
    )
    proposed_shipping_cost: int
    proposed_by: str
    proposed_at: datetime | None
    note: str | None
    counter_prices: dict[str, int] | None = Field(examples=[{"1": 9_900_000}])
    counter_shipping_cost: int | None
    answered_by: str | None
    answered_at: datetime | None
    reason: str | None


class OrderVersionOut(BaseModel):
    """One signed version of the purchase order: the order (1) or an addendum (2, ...)."""

    version: int = Field(examples=[1])
    lines: list[OrderLineOut]
    shipping_cost: int
    total: int
    delivery_deadline: date
    signatory: str = Field(examples=["dr. Budi Santoso"])
    terms: str
    reason: str | None
    document_id: UUID = Field(description="Download: GET /packages/{id}/documents/{document_id}")
    created_at: datetime


class PurchaseOrderOut(BaseModel):
    """The Surat Pesanan (21) with every version."""

    id: UUID
    number: str = Field(examples=["SP/dinkes/2026/0001"])
    order_date: date
    original_total: int
    version: int
    acknowledged_at: datetime | None
    handed_over_at: datetime | None
    versions: list[OrderVersionOut]


class VendorEmailOut(BaseModel):
    """The vendor's e-mail (15), sent at most once (see the service README)."""

    status: Literal["pending", "sending", "sent", "failed", "unconfirmed"]
    recipient: str | None
    attempts: int
    last_error: str | None
    message_id: str = Field(examples=["<package-3f2b...@epurchasing.example>"])
    sent_at: datetime | None


class PackageDetail(PackageSummary):
    """One package with its negotiation, purchase order and e-mail."""

    negotiation: list[RoundOut]
    purchase_order: PurchaseOrderOut | None
    vendor_email: VendorEmailOut | None


class PackagePage(BaseModel):
    items: list[PackageSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class DocumentOut(BaseModel):
    """A document uploaded in ordering (the signed Surat Pesanan, an addendum)."""

    id: UUID
    kind: str = Field(examples=["purchase_order"])
    filename: str = Field(examples=["surat-pesanan.pdf"])
    media_type: str = Field(examples=["application/pdf"])
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    href: str = Field(examples=["/packages/3f2b.../documents/9a1c..."])

    @classmethod
    def of(cls, package_id: UUID, ref: DocumentRef) -> "DocumentOut":
        data: dict[str, Any] = ref.as_dict()
        return cls(**data, href=f"/packages/{package_id}/documents/{ref.id}")


class DocumentList(BaseModel):
    items: list[DocumentOut]


ETAG = {
    "description": 'The package\'s version, e.g. `"4"`: send it back as If-Match',
    "schema": {"type": "string"},
}
REPLAYED = {
    "description": "`true` when this is the stored answer to a repeated Idempotency-Key",
    "schema": {"type": "string"},
}
# Every action answers 200 with the package as the caller now sees it (no action here creates
# a resource with a URL of its own: rounds, the order and addenda are parts of the package).
ACTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Done: the package after the action",
        "headers": {"ETag": ETAG, "Idempotent-Replayed": REPLAYED},
    }
}

# A multipart body that cannot be read at all (not multipart, or more than 1000 fields or
# files) is refused by the form parser before any field is validated: 400.
MULTIPART_RESPONSES: dict[int | str, dict[str, Any]] = ACTION_RESPONSES | {
    400: {
        "description": "The multipart body cannot be read (malformed, or too many parts).",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }
}
