"""Events the competition service publishes (SOP steps 3–13)."""

from datetime import date, datetime
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from epurchasing_contracts.common import OrderLine, Party, Rupiah, StepOverdue, VendorRef
from epurchasing_contracts.envelope import EventPayload

CompetitionKind = Literal["product", "specification"]
FailureReason = Literal["no_offers", "only_blacklisted_offers", "below_minimum_offers"]


class PurchaseRequestSubmitted(EventPayload):
    event_type: ClassVar[str] = "competition.purchase_request_submitted.v1"

    purchase_request_id: UUID
    title: str
    rup_code: str
    fiscal_year: int
    pagu: Rupiah
    work_unit: str
    ppk: Party
    official: Party


class PurchaseRequestAccepted(EventPayload):
    event_type: ClassVar[str] = "competition.purchase_request_accepted.v1"

    purchase_request_id: UUID
    official: Party


class PurchaseRequestReturned(EventPayload):
    event_type: ClassVar[str] = "competition.purchase_request_returned.v1"

    purchase_request_id: UUID
    official: Party
    reason: str


class CompetitionItem(EventPayload):
    line_no: int
    category: str
    product_id: UUID | None = None
    description: str
    quantity: int
    unit: str


class CompetitionOpened(EventPayload):
    event_type: ClassVar[str] = "competition.competition_opened.v1"

    competition_id: UUID
    purchase_request_id: UUID
    kind: CompetitionKind
    items: list[CompetitionItem]
    offer_deadline: datetime
    eligible_vendor_ids: list[UUID]


class OfferSubmitted(EventPayload):
    """Sealed: carries no price, so no vendor learns another's offer before the deadline."""

    event_type: ClassVar[str] = "competition.offer_submitted.v1"

    competition_id: UUID
    offer_id: UUID
    vendor_id: UUID
    submitted_at: datetime
    revision: int = 1


class RankedOffer(EventPayload):
    rank: int
    offer_id: UUID
    vendor_id: UUID
    vendor_name: str
    evaluated_price: Rupiah
    submitted_at: datetime


class CompetitionSucceeded(EventPayload):
    event_type: ClassVar[str] = "competition.competition_succeeded.v1"

    competition_id: UUID
    winner: RankedOffer
    ranked_offers: list[RankedOffer]


class CompetitionFailed(EventPayload):
    event_type: ClassVar[str] = "competition.competition_failed.v1"

    competition_id: UUID
    reason: FailureReason
    offers_received: int = 0


class CompetitionPublished(EventPayload):
    event_type: ClassVar[str] = "competition.competition_published.v1"

    competition_id: UUID
    outcome: Literal["succeeded", "failed"]
    failure_reason: FailureReason | None = None
    leaderboard: list[RankedOffer] = Field(default_factory=list)


class PackageGenerated(EventPayload):
    """The purchase request data (*data permintaan pembelian*) handed to ordering (step 13)."""

    event_type: ClassVar[str] = "competition.package_generated.v1"

    package_id: UUID
    purchase_request_id: UUID
    competition_id: UUID
    offer_id: UUID
    title: str
    rup_code: str
    fiscal_year: int
    work_unit: str
    ppk: Party
    official: Party
    vendor: VendorRef
    lines: list[OrderLine]
    shipping_cost: Rupiah
    subtotal: Rupiah
    total: Rupiah
    pagu: Rupiah
    delivery_address: str
    delivery_deadline: date
    delivery_days: int | None = None


class CompetitionStepOverdue(StepOverdue):
    """A turn of the competition service's SOP steps passed its due time (see ``StepOverdue``)."""

    event_type: ClassVar[str] = "competition.step_overdue.v1"
