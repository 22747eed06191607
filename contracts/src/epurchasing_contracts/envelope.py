"""The CloudEvents 1.0 envelope (structured JSON mode) of every event."""

from datetime import datetime
from typing import Any, ClassVar, Literal
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

CONTENT_TYPE = "application/cloudevents+json"


class EventPayload(BaseModel):
    """Base of every event payload: consumers ignore fields they do not know.

    Each payload class declares its CloudEvents ``type`` (``<service>.<fact>.v<N>``) as
    ``event_type``; the registry collects them.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)
    event_type: ClassVar[str] = ""


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 event in structured JSON mode: the body of every AMQP message.

    Optional attributes without a value are left out of the message.
    """

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: UUID = Field(
        default_factory=uuid4,
        description="Unique id of this event, also the AMQP message_id: deduplicate on it.",
    )
    source: str = Field(description="The producing service: /epurchasing/<service>.")
    type: str = Field(
        description="<service>.<event>.v<N>, also the AMQP routing key; selects the payload."
    )
    subject: str | None = Field(
        default=None,
        description="What the event is about: the procurement id, or vendor/<id>.",
    )
    time: AwareDatetime = Field(description="When the state change was committed (RFC 3339).")
    datacontenttype: Literal["application/json"] = "application/json"
    # Absent only for events about no one procurement (the blacklist); subject then names
    # what the event is about (``vendor/<id>``).
    procurementid: UUID | None = Field(
        default=None,
        description="The procurement (correlation) id, also the AMQP correlation_id.",
    )
    causationid: str | None = Field(
        default=None, description="Id of the event or HTTP request that caused this one."
    )
    actorrole: str | None = Field(
        default=None,
        description="Role of who acted (ppk, procurement_official, vendor, admin); absent "
        "when the system acted.",
    )
    actorid: str | None = Field(default=None, description="Id of who acted.")
    sopstep: str | None = Field(
        default=None, description="The SOP step (1-27, e.g. 17a) this event completes."
    )
    traceparent: str | None = Field(
        default=None,
        description="W3C trace context of the change (CloudEvents distributed-tracing "
        "extension); also an AMQP header.",
    )
    data: dict[str, Any] = Field(description="The payload of this type's schema.")


class Actor(BaseModel):
    """Who acted; ``None`` where the system acted by itself."""

    model_config = ConfigDict(frozen=True)

    id: str
    role: str


def make_event(
    *,
    service: str,
    payload: EventPayload,
    procurement_id: UUID | None,
    time: datetime,
    subject: str | None = None,
    actor: Actor | None = None,
    causation_id: str | None = None,
    sop_step: str | None = None,
) -> CloudEvent:
    event_type = type(payload).event_type
    if not event_type:
        raise TypeError(f"{type(payload).__name__} declares no event_type")
    return CloudEvent(
        source=f"/epurchasing/{service}",
        type=event_type,
        subject=subject or (str(procurement_id) if procurement_id else None),
        time=time,
        procurementid=procurement_id,
        causationid=causation_id,
        actorrole=actor.role if actor else None,
        actorid=actor.id if actor else None,
        sopstep=sop_step,
        data=payload.model_dump(mode="json"),
    )
