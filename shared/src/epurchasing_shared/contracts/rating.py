"""Moved to ``epurchasing_contracts.rating`` (the contracts-only package); re-exported here."""

from epurchasing_contracts.rating import (
    EventPayload,
    Party,
    RatingStepOverdue,
    StepOverdue,
    VendorBlacklisted,
    VendorBlacklistLifted,
    VendorFlaggedForReview,
    VendorRated,
)

__all__ = [
    "EventPayload",
    "Party",
    "RatingStepOverdue",
    "StepOverdue",
    "VendorBlacklistLifted",
    "VendorBlacklisted",
    "VendorFlaggedForReview",
    "VendorRated",
]
