"""Moved to ``epurchasing_contracts.delivery`` (the contracts-only package); re-exported here."""

from epurchasing_contracts.delivery import (
    DeliveryStepOverdue,
    DocumentReference,
    EventPayload,
    GoodsHandedOver,
    GoodsInspected,
    PackageCompleted,
    Party,
    PaymentRecorded,
    PreparationStarted,
    Rupiah,
    ShipmentRecorded,
    ShipmentStatus,
    StepOverdue,
    VendorRef,
)

__all__ = [
    "DeliveryStepOverdue",
    "DocumentReference",
    "EventPayload",
    "GoodsHandedOver",
    "GoodsInspected",
    "PackageCompleted",
    "Party",
    "PaymentRecorded",
    "PreparationStarted",
    "Rupiah",
    "ShipmentRecorded",
    "ShipmentStatus",
    "StepOverdue",
    "VendorRef",
]
