"""Moved to ``epurchasing_contracts.common`` (the contracts-only package); re-exported here."""

from epurchasing_contracts.common import (
    DeliveryTerms,
    OrderLine,
    Party,
    Rupiah,
    StepOverdue,
    VendorRef,
)

__all__ = [
    "DeliveryTerms",
    "OrderLine",
    "Party",
    "Rupiah",
    "StepOverdue",
    "VendorRef",
]
