"""Value objects that several event payloads carry."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, EmailStr, Field

Rupiah = int  # whole rupiah; never a float anywhere


class Party(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    name: str


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
