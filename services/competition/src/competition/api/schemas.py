"""What the competition API answers (response models) and the strict field types of what it
takes. The response models document the bodies the use cases build (``application/views.py``
and ``queries.py``); a front end generates its typed client from them."""

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, Field, StrictInt

from competition.domain import competition as cp
from competition.domain import purchase_request as pr
from competition.domain.limits import MAX_QUANTITY, MAX_RUPIAH
from epurchasing_shared.contracts.competition import PackageGenerated

# --- strict input types: no "100" for 100, no true for 1, no 0 for a date -------------------


def _iso_text(value: Any) -> Any:
    """A date or time travels as ISO 8601 text in JSON, never as a number (1970)."""
    if not isinstance(value, str | date):
        raise ValueError("give an ISO 8601 date as text, e.g. 2026-04-30")
    return value


def _sane_year(value: date) -> date:
    if not 2000 <= value.year <= 2100:
        raise ValueError("the date must be between the years 2000 and 2100")
    return value


Rupiah = Annotated[StrictInt, Field(ge=1, le=MAX_RUPIAH, description="Whole rupiah")]
RupiahOrZero = Annotated[StrictInt, Field(ge=0, le=MAX_RUPIAH, description="Whole rupiah")]
Quantity = Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]
LineNo = Annotated[StrictInt, Field(ge=1, le=1000)]
IsoDate = Annotated[date, BeforeValidator(_iso_text), AfterValidator(_sane_year)]
IsoDateTime = Annotated[AwareDatetime, BeforeValidator(_iso_text)]

RequestState = Literal[pr.DRAFT, pr.SUBMITTED, pr.ACCEPTED, pr.IN_COMPETITION, pr.FULFILLED]  # type: ignore[valid-type]
CompetitionState = Literal[  # type: ignore[valid-type]
    cp.DRAFT, cp.OPEN, cp.SUCCEEDED, cp.FAILED, cp.PUBLISHED, cp.PACKAGE_GENERATED
]

# --- turns -----------------------------------------------------------------------------------


class TurnOut(BaseModel):
    """Whose turn it is on this resource, for which SOP step, and due when (the SOP's
    *Waktu* in working days, docs/time-standards.md); null when it is no one's turn here."""

    sop_step: str = Field(description="The SOP step the actor must do next", examples=["4"])
    actor_role: Literal["ppk", "procurement_official"] = Field(examples=["procurement_official"])
    actor_id: str | None = Field(
        description="The user id whose turn it is (a vendor's turn: the vendor id)",
        examples=["pp-dinkes-01"],
    )
    work_unit: str | None = Field(examples=["dinkes"])
    started_at: datetime
    due_at: datetime = Field(description="End (23:59:59.999999 WIB) of the last working day")
    overdue: bool = Field(description="Still open after due_at")


TURN_DESCRIPTION = "Whose turn it is (SOP step, due time, overdue); null: no one's turn here"
OVERDUE_QUERY = Query(
    default=None,
    description="true: only those whose open turn is past its due time; "
    "false: only those with no overdue turn",
)
TURN_QUERY = Query(
    default=None,
    description="mine: only those whose open turn is the caller's (\"my work\": a PPK's or "
    "official's by user id, a vendor's by its vendor id)",
)

# --- documents -------------------------------------------------------------------------------


class DocumentOut(BaseModel):
    id: UUID
    kind: Literal["nota_dinas", "specification"]
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class DocumentLinkOut(DocumentOut):
    href: str = Field(description="Where to download the file")


class DocumentListOut(BaseModel):
    items: list[DocumentLinkOut]


class DocumentAttachedOut(BaseModel):
    document: DocumentOut
    version: int = Field(description="The purchase request's version after the attachment")


# --- purchase requests -----------------------------------------------------------------------


class RequestItemOut(BaseModel):
    category: str
    description: str
    quantity: int
    unit: str
    product_id: UUID | None = None


class OfficialOut(BaseModel):
    id: str
    name: str


class PurchaseRequestOut(BaseModel):
    id: UUID
    work_unit: str
    ppk_id: str
    ppk_name: str
    rup_code: str
    fiscal_year: int
    dpa_number: str
    pagu: int = Field(description="Budget ceiling, whole rupiah")
    title: str
    specification: str
    items: list[RequestItemOut]
    delivery_address: str
    delivery_date: date
    state: RequestState
    version: int
    official: OfficialOut | None
    return_reason: str | None = Field(
        description="Why the official last returned the request (step 4); null once submitted again"
    )
    documents: list[DocumentOut]
    allowed_actions: list[str]
    turn: TurnOut | None = Field(description=TURN_DESCRIPTION)


class PurchaseRequestPage(BaseModel):
    items: list[PurchaseRequestOut]
    next_cursor: str | None


# --- catalogue ---------------------------------------------------------------------------------


class VendorOut(BaseModel):
    id: UUID
    name: str
    email: str
    created_at: datetime


class VendorPage(BaseModel):
    items: list[VendorOut]
    next_cursor: str | None


class ProductOut(BaseModel):
    id: UUID
    vendor_id: UUID
    category: str
    name: str
    unit: str
    unit_price: int = Field(description="Listed unit price, whole rupiah")
    created_at: datetime


class ProductPage(BaseModel):
    items: list[ProductOut]
    next_cursor: str | None


class ImportResultOut(BaseModel):
    vendors_created: int
    products_created: int


# --- competitions and offers -----------------------------------------------------------------


class CompetitionItemOut(BaseModel):
    line_no: int
    description: str
    quantity: int
    unit: str


class CompetitionOut(BaseModel):
    id: UUID
    purchase_request_id: UUID
    work_unit: str
    kind: Literal["product", "specification"]
    category: str
    product_id: UUID | None
    product_name: str | None
    items: list[CompetitionItemOut]
    pagu: int
    delivery_deadline: date
    offer_deadline: datetime | None
    state: CompetitionState
    version: int
    eligible_vendor_ids: list[UUID] | None = Field(
        default=None, description="The vendors invited to offer (not shown to a vendor)"
    )
    outcome: Literal["succeeded", "failed"] | None
    failure_reason: str | None
    package_id: UUID | None
    offers_closed: bool
    allowed_actions: list[str]
    turn: TurnOut | None = Field(description=TURN_DESCRIPTION)


class PackageGeneratedOut(CompetitionOut):
    package: PackageGenerated = Field(description="The package handed to ordering (step 13)")


class CompetitionPage(BaseModel):
    items: list[CompetitionOut]
    next_cursor: str | None


class OfferLineOut(BaseModel):
    line_no: int
    product_id: UUID
    unit_price: int


class OfferOut(BaseModel):
    id: UUID
    vendor_id: UUID
    revision: int
    submitted_at: datetime
    withdrawn: bool
    lines: list[OfferLineOut]
    shipping_cost: int
    delivery_days: int
    evaluated_price: int = Field(description="Σ(unit price × quantity) + shipping, rupiah")


class RankingEntryOut(BaseModel):
    """A ranked offer; a vendor sees only rank, vendor name and evaluated price."""

    rank: int | None
    vendor_name: str
    evaluated_price: int
    offer_id: UUID | None = None
    vendor_id: UUID | None = None
    submitted_at: datetime | None = None
    blacklisted: bool | None = None


class LeaderboardOut(BaseModel):
    competition_id: UUID
    state: CompetitionState
    offer_deadline: datetime | None
    offers_closed: bool
    outcome: Literal["succeeded", "failed"] | None
    failure_reason: str | None
    sealed: bool = Field(description="True until the offer deadline: no prices, no ranking")
    ranking: list[RankingEntryOut]
    offer_count: int | None = Field(
        default=None, description="While sealed, how many live offers (not to vendors)"
    )
    my_offer: OfferOut | None = Field(default=None, description="A vendor's own offer")


class PublicEntryOut(BaseModel):
    rank: int
    vendor_name: str
    evaluated_price: int


class PublicResultOut(BaseModel):
    competition_id: UUID
    title: str
    work_unit: str
    rup_code: str
    fiscal_year: int
    kind: Literal["product", "specification"]
    category: str
    items: list[CompetitionItemOut]
    offer_deadline: datetime | None
    outcome: Literal["succeeded", "failed"] | None
    failure_reason: str | None
    winner: PublicEntryOut | None
    leaderboard: list[PublicEntryOut]


# --- what the routes declare beside the body -------------------------------------------------

_TEXT = {"type": "string"}
ETAG = {
    "ETag": {
        "description": 'The resource version, e.g. `"3"`: send it as If-Match',
        "schema": _TEXT,
    }
}
LOCATION = {"Location": {"description": "The URL of the created resource", "schema": _TEXT}}
REPLAYED = {
    "Idempotent-Replayed": {
        "description": "`true` when answering a retried Idempotency-Key",
        "schema": _TEXT,
    }
}


def created(what: str, location: bool = True, etag: bool = True) -> dict[int | str, Any]:
    """``responses=`` of a POST that creates: 201 with its headers."""
    headers = (LOCATION if location else {}) | (ETAG if etag else {}) | REPLAYED
    return {201: {"description": f"{what} (created)", "headers": headers}}


def done(what: str, etag: bool = True) -> dict[int | str, Any]:
    """``responses=`` of an action: 200 with its headers (no Location)."""
    return {200: {"description": what, "headers": (ETAG if etag else {}) | REPLAYED}}
