"""Value objects that several event payloads carry."""

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from epurchasing_contracts.envelope import EventPayload

Rupiah = int  # whole rupiah; never a float anywhere


class Party(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    name: str
    # Where the person can be told it is their turn (from their token's email claim), when
    # known; optional, so older events without it stay valid.
    email: str | None = Field(default=None, max_length=320)


class VendorRef(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: UUID
    name: str
    email: EmailStr | None = None


class OrderLine(BaseModel):
    """One priced line of a package or purchase order."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    line_no: int = Field(ge=1)
    product_id: UUID | None = None
    description: str
    quantity: int = Field(ge=1)
    unit: str
    unit_price: Rupiah = Field(ge=0)
    line_total: Rupiah = Field(ge=0)


class DeliveryTerms(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    address: str
    deadline: date


class StepOverdue(EventPayload):
    """An actor's turn at an SOP step passed its due time without the step being done.

    Each service publishes it as ``<service>.step_overdue.v1`` (one class per service, same
    fields), once per turn, within a minute of ``due_at``; see docs/time-standards.md.
    """

    procurement_id: UUID
    aggregate: str = Field(description="The aggregate whose turn it is, e.g. package.")
    aggregate_id: UUID
    sop_step: str = Field(description="The SOP step the actor had to do.")
    actor_role: str = Field(description="Whose turn it was: ppk, procurement_official, vendor…")
    actor_id: str | None = Field(
        default=None, description="The user (or, for a vendor, the vendor id), when known."
    )
    work_unit: str | None = None
    started_at: datetime = Field(description="When the turn was handed over.")
    due_at: datetime = Field(description="The end of the last working day of the standard.")
    detected_at: datetime
    late_seconds: int = Field(ge=0, description="detected_at - due_at, in whole seconds.")
    late_working_days: int = Field(ge=0, description="Working days late when detected.")
