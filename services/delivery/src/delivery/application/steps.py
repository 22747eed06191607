"""What every actor's step on a fulfilment shares: loading the caller's fulfilment, writing
the history entry and the event of its change, keeping documents, and the answer."""

from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from uuid import UUID

from delivery.application.notifications import queue_turn_email
from delivery.application.ports import DeliveryUnitOfWork
from delivery.application.views import detail_of, not_found
from delivery.domain.fulfilment import Fulfilment
from epurchasing_shared.contracts.delivery import DocumentReference
from epurchasing_shared.contracts.envelope import EventPayload
from epurchasing_shared.documents import DocumentRef, Upload
from epurchasing_shared.kernel.states import Change
from epurchasing_shared.kernel.unit_of_work import Outcome
from epurchasing_shared.principal import Principal

AGGREGATE = "fulfilment"


def principal_of(uow: DeliveryUnitOfWork) -> Principal:
    assert uow.caller.principal is not None, "an actor's step has a caller"
    return uow.caller.principal


def callers_fulfilment(
    procurement_id: UUID,
) -> Callable[[DeliveryUnitOfWork], Awaitable[Fulfilment]]:
    """``load`` for :func:`perform`: the fulfilment, locked, if the caller is a party to it
    (its vendor, or a PPK of its work unit); NotFound otherwise, never revealing others'."""

    async def load(uow: DeliveryUnitOfWork) -> Fulfilment:
        found = await uow.fulfilments.get_for_update(procurement_id)
        if found is None or not found.is_party(principal_of(uow)):
            raise not_found(procurement_id)
        return found

    return load


async def note(
    uow: DeliveryUnitOfWork,
    fulfilment: Fulfilment,
    change: Change,
    *,
    reason: str | None = None,
    documents: Sequence[DocumentRef] = (),
) -> None:
    """The history entry of one change (its SOP step comes from the table); it ends the open
    turn and opens the one the change hands over (the vendor's or the PPK's), whose holder is
    e-mailed where the change calls for it (the PPK at the delivered entry, 25). The acting
    PPK's e-mail (their token's) is kept for the e-mails of their later turns."""
    fulfilment.remember_ppk_email(principal_of(uow))
    actor_id, work_unit = fulfilment.turn_holder(change)
    turn = await uow.history(
        change,
        procurement_id=fulfilment.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=fulfilment.procurement_id,
        reason=reason,
        documents=documents,
        actor_id=actor_id,
        work_unit=work_unit,
    )
    await queue_turn_email(uow, fulfilment, change, turn)


async def publish(
    uow: DeliveryUnitOfWork, fulfilment: Fulfilment, change: Change, payload: EventPayload
) -> None:
    """The outgoing event of one change, in the outbox of the same transaction."""
    await uow.record(payload, procurement_id=fulfilment.procurement_id, sop_step=change.sop_step)


async def keep_document(
    uow: DeliveryUnitOfWork, fulfilment: Fulfilment, upload: Upload, kind: str
) -> DocumentRef:
    """Keep an uploaded document of this fulfilment (file and row, same transaction)."""
    return await uow.save_document(
        upload,
        kind=kind,
        owner_kind=AGGREGATE,
        owner_id=fulfilment.procurement_id,
        procurement_id=fulfilment.procurement_id,
    )


def reference(ref: DocumentRef) -> DocumentReference:
    """The event's view of a stored document (no uploader: that is in the history)."""
    return DocumentReference(
        id=ref.id,
        kind=ref.kind,
        filename=ref.filename,
        media_type=ref.media_type,
        size=ref.size,
        sha256=ref.sha256,
    )


def facts(**values: Any) -> str:
    """A short reason text from facts, e.g. ``amount=500000, paid_so_far=500000``."""
    return ", ".join(f"{k}={v}" for k, v in values.items() if v is not None)


def fulfilment_url(procurement_id: UUID) -> str:
    return f"/fulfilments/{procurement_id}"


async def answer(
    uow: DeliveryUnitOfWork, fulfilment: Fulfilment, *, created: str | None = None
) -> Outcome:
    """Save the fulfilment and answer with its detail as the caller sees it: 200 for an
    action, 201 with ``Location`` when ``created`` names the URL of a new entry (a shipping
    entry, a payment) below the fulfilment."""
    row = await uow.fulfilments.save_and_read(fulfilment)
    turn = await uow.open_turn(fulfilment.procurement_id)
    detail = detail_of({**row, "turn": turn}, principal_of(uow), uow.now())
    body = detail.model_dump(mode="json")
    if created is None:
        return Outcome(body)
    return Outcome(
        body, created=True, location=f"{fulfilment_url(fulfilment.procurement_id)}/{created}"
    )
