"""Domain objects for the unit tests."""

from datetime import date
from typing import Any
from uuid import uuid4

from competition.domain import purchase_request as pr


def a_request(**overrides: Any) -> pr.PurchaseRequest:
    """A purchase request of work unit ``dinkes`` (a draft unless ``state`` says otherwise)."""
    fields: dict[str, Any] = {
        "id": uuid4(),
        "work_unit": "dinkes",
        "ppk_id": "ppk",
        "ppk_name": "Budi",
        "rup_code": "R",
        "fiscal_year": 2026,
        "dpa_number": "D",
        "pagu": 1_000,
        "title": "t",
        "specification": "s",
        "items": [pr.RequestItem("laptop", "l", 1, "unit")],
        "delivery_address": "a",
        "delivery_date": date(2026, 4, 1),
    }
    return pr.PurchaseRequest(**(fields | overrides))
