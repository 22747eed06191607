"""Request bodies of the rating API (the response bodies are the application's views).

Strict on the wire: a score is a JSON integer (not ``true``, not ``"3"``, not ``2.0``), a date
is an ISO ``YYYY-MM-DD`` string (not a number of seconds), every text and the number of scored
criteria are bounded. The configured scale and criteria are checked by the rating scheme.
"""

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    field_validator,
)

# At most this many scored criteria are read; a larger object is refused before its keys are
# looked at one by one (the answer to 100,000 keys is one short error, not 100,000).
MAX_SCORED_CRITERIA = 20
# The outer bounds of any configured scale (settings refuse a scale outside them).
SCORE_FLOOR, SCORE_CEILING = 0, 100
# Dates outside these are typos whatever today is (the use case narrows them to today ± 5 years).
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)

CriterionKey = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
Score = Annotated[StrictInt, Field(ge=SCORE_FLOOR, le=SCORE_CEILING)]


def _iso_date_only(value: Any) -> Any:
    """A date must come as text (pydantic would otherwise read ``0`` as 1 January 1970)."""
    if isinstance(value, bool | int | float):
        raise ValueError("a date is written as YYYY-MM-DD text")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only), Field(ge=EARLIEST_DATE, le=LATEST_DATE)]

SCORES_EXAMPLE = {"quality_quantity": 3, "cost": 2, "timeliness": 3, "service": 3}


class RateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "procurement_id": "0f8e6d3c-4b2a-4e1f-9a7b-5c3d2e1f0a9b",
                    "scores": SCORES_EXAMPLE,
                    "comment": "Laptop ASUS VivoBook dari CV Maju Jaya Komputer sesuai "
                    "spesifikasi dan tiba tepat waktu di Dinas Kesehatan.",
                }
            ]
        },
    )

    procurement_id: UUID
    scores: dict[CriterionKey, Score] = Field(
        min_length=1,
        max_length=MAX_SCORED_CRITERIA,
        description="criterion key -> integer score on the configured scale (default 1–3: "
        "cukup, baik, sangat baik); every configured criterion once, nothing else",
        examples=[SCORES_EXAMPLE],
    )
    comment: StrictStr | None = Field(
        default=None,
        max_length=4000,
        examples=["Barang sesuai spesifikasi; harga cukup bersaing."],
    )

    @field_validator("scores", mode="before")
    @classmethod
    def bounded_before_read(cls, value: Any) -> Any:
        if isinstance(value, dict) and len(value) > MAX_SCORED_CRITERIA:
            raise ValueError(
                f"at most {MAX_SCORED_CRITERIA} criteria can be scored; got {len(value)}"
            )
        return value


class ReplyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: StrictStr = Field(
        min_length=1,
        max_length=4000,
        examples=["Terima kasih atas penilaiannya; pengiriman berikutnya akan kami percepat."],
    )


class BlacklistRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "vendor_id": "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                    "vendor_name": "CV Maju Jaya Komputer",
                    "reason": "Memalsukan dokumen penawaran pengadaan laptop Dinas Kesehatan",
                    "decree_reference": "SK Kepala Dinas Kesehatan No. 027/145/2026",
                    "starts_on": "2026-03-02",
                    "ends_on": "2027-03-01",
                }
            ]
        },
    )

    vendor_id: UUID
    vendor_name: StrictStr | None = Field(default=None, min_length=1, max_length=300)
    reason: StrictStr = Field(min_length=1, max_length=4000)
    decree_reference: StrictStr = Field(min_length=1, max_length=200)
    starts_on: IsoDate = Field(description="first day in force; within 5 years of today")
    ends_on: IsoDate | None = Field(
        default=None,
        description="last day in force (inclusive), at most 10 years after the start; "
        "none: until lifted",
    )


class LiftRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: StrictStr = Field(
        min_length=1,
        max_length=4000,
        examples=["Putusan PTUN membatalkan SK daftar hitam"],
    )
