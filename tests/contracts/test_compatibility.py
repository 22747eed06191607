"""The compatibility rule refuses what breaks a published vN and accepts an optional field."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

import pytest

from epurchasing_contracts.common import Party
from epurchasing_contracts.compatibility import breaking_changes
from epurchasing_contracts.envelope import EventPayload
from epurchasing_contracts.registry import EVENT_MODELS
from epurchasing_contracts.schemas import event_schema


def schema_of(model: type[EventPayload]) -> dict:
    return model.model_json_schema(mode="serialization")


class Published(EventPayload):
    event_type: ClassVar[str] = "ordering.package_cancelled.v1"
    package_id: UUID
    reason: str
    ppk: Party
    cancelled_at: datetime


class WithOptionalField(Published):
    note: str | None = None


class WithoutReason(EventPayload):
    package_id: UUID
    ppk: Party
    cancelled_at: datetime


class ReasonRetyped(EventPayload):
    package_id: UUID
    reason: int
    ppk: Party
    cancelled_at: datetime


class ReasonNullable(EventPayload):
    package_id: UUID
    reason: str | None
    ppk: Party
    cancelled_at: datetime


class WithRequiredField(Published):
    refund: int


class NestedPartyChanged(EventPayload):
    package_id: UUID
    reason: str
    ppk: "PartyWithoutName"
    cancelled_at: datetime


class PartyWithoutName(EventPayload):
    id: str


NestedPartyChanged.model_rebuild()
OLD = schema_of(Published)


def test_an_unchanged_schema_is_compatible():
    assert breaking_changes(OLD, schema_of(Published)) == []


def test_an_added_optional_field_is_accepted():
    assert breaking_changes(OLD, schema_of(WithOptionalField)) == []


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        (WithoutReason, ".reason: removed"),
        (ReasonRetyped, ".reason: retyped from string to integer"),
        (ReasonNullable, ".reason: retyped from string to null | string"),
        (WithRequiredField, ".refund: new required field"),
        (NestedPartyChanged, ".ppk.name: removed"),
    ],
)
def test_a_breaking_change_is_refused(new: type[EventPayload], problem: str):
    assert problem in breaking_changes(OLD, schema_of(new))


class WithNoteRequired(Published):
    note: str | None


def test_an_optional_field_becoming_required_is_refused():
    old = schema_of(WithOptionalField)
    assert breaking_changes(old, schema_of(WithNoteRequired)) == [".note: became required"]


def test_a_breaking_change_in_a_published_event_file_is_refused():
    """The real schema of an event type, with its payload's field retyped in a definition."""
    old = event_schema("ordering.package_cancelled.v1")
    new = event_schema("ordering.package_cancelled.v1")
    new["$defs"]["PackageCancelled"]["properties"]["reason"] = {"type": "integer"}
    new["$defs"]["PackageCancelled"]["required"].append("refund")
    new["$defs"]["PackageCancelled"]["properties"]["refund"] = {"type": "integer"}
    assert breaking_changes(old, new) == [
        ".data.reason: retyped from string to integer",
        ".data.refund: new required field",
    ]


def test_every_schema_is_compatible_with_itself():
    for event_type in EVENT_MODELS:
        schema = event_schema(event_type)
        assert breaking_changes(schema, event_schema(event_type)) == []
