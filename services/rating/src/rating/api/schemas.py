"""Request bodies of the rating API (the response bodies are the application's views)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictInt

CriterionKey = Annotated[str, Field(min_length=1, max_length=60)]


class RateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    procurement_id: UUID
    scores: dict[CriterionKey, StrictInt] = Field(
        description="criterion key -> score on the configured scale (default 1–3)",
        json_schema_extra={
            "example": {"quality_quantity": 3, "cost": 2, "timeliness": 3, "service": 2}
        },
    )
    comment: str | None = Field(default=None, max_length=4000)


class ReplyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000)


class BlacklistRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vendor_id: UUID
    vendor_name: str | None = Field(default=None, max_length=300)
    reason: str = Field(min_length=1, max_length=4000)
    decree_reference: str = Field(min_length=1, max_length=200)
    starts_on: date
    ends_on: date | None = Field(default=None, description="inclusive; none: until lifted")


class LiftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=4000)
