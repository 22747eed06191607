"""Delivery's e-mails, through the shared mail outbox and sender (``epurchasing_shared.mail``):

- **your turn** (25): when the vendor records the goods delivered, the order's PPK is e-mailed
  that the inspection (26) is theirs (``DELIVERY_TURN_EMAILS``), at the address ordering's
  ``order_issued`` named (their token's email claim), or their own token's once they act here;
- **reminder**: when a fulfilment's turn becomes overdue (the vendor's 23 and 25, the PPK's 26
  and 27), its holder is reminded once (``DELIVERY_OVERDUE_REMINDERS``; the overdue scanner's
  hook), the vendor at its catalogue address.

Each is queued in the transaction of its cause, one per turn (the turn's id is in its
Message-ID), even with no address known: the sender then gives up at once and the history
says so once. Each attempt is a side entry of the fulfilment: ``notification_sent``,
``_failed`` or ``_unconfirmed`` at the e-mail's SOP step.
"""

from typing import Any

from delivery.application.ports import DeliveryUnitOfWork
from delivery.domain.fulfilment import Fulfilment
from delivery.domain.notification import STEP_TASKS, YOUR_TURN, facts
from delivery.domain.states import FULFILMENT
from epurchasing_shared.kernel.states import Change, Turn
from epurchasing_shared.kernel.unit_of_work import UnitOfWork
from epurchasing_shared.mail import Outcome, QueuedEmail
from epurchasing_shared.mail.notices import Bilingual, Kind, notice_email, step_task
from epurchasing_shared.mail.sender import record_notification

AGGREGATE = "fulfilment"


def _email(
    uow: DeliveryUnitOfWork,
    fulfilment: Fulfilment,
    turn: Turn,
    kind: Kind,
    hand_off: Bilingual | None = None,
) -> QueuedEmail:
    """``hand_off``: the "your turn" sentence (a row of ``YOUR_TURN``); a reminder names the
    step by its task instead."""
    name, address = fulfilment.addressee(turn.actor_role)
    return notice_email(
        turn,
        kind=kind,
        wording=hand_off or step_task(STEP_TASKS, turn.sop_step),
        facts=facts(fulfilment),
        addressee=name,
        recipient=address,
        link=uow.mail.link(f"fulfilments/{fulfilment.procurement_id}"),
        rules=uow.mail,
        zone=uow.calendar.zone,
        now=uow.now(),
        causation_id=uow.caller.causation_id,
    )


async def queue_turn_email(
    uow: DeliveryUnitOfWork, fulfilment: Fulfilment, change: Change, turn: Turn | None
) -> bool:
    """Tell the next actor it is their turn where the change calls for it (the delivered
    entry, 25): one e-mail per hand-off. False when none is due (or the setting is off)."""
    hand_off = YOUR_TURN.get((change.action, change.to_state))
    if turn is None or hand_off is None or not uow.mail.turn_emails:
        return False
    return await uow.mail_outbox.queue(_email(uow, fulfilment, turn, "your_turn", hand_off))


async def on_overdue(uow: UnitOfWork, turn: Turn) -> None:
    """The overdue scanner's hook (``ServiceDefinition(on_overdue=...)``), in the transaction
    that records ``delivery.step_overdue.v1``: one reminder to the turn's holder."""
    assert isinstance(uow, DeliveryUnitOfWork)
    if turn.aggregate != AGGREGATE or not uow.mail.overdue_reminders:
        return
    # Read, not locked: the scanner already holds the turn's row, and a step locks the
    # fulfilment before it closes that turn; locking here too would be the opposite order.
    fulfilment = await uow.fulfilments.get(turn.aggregate_id)
    if fulfilment is not None:
        await uow.mail_outbox.queue(_email(uow, fulfilment, turn, "overdue_reminder"))


async def record_outcome(uow: Any, email: QueuedEmail, outcome: Outcome, reason: str) -> None:
    """The mail sender's hook: the history entry of one attempt, on the fulfilment (which
    stays as it is)."""
    assert isinstance(uow, DeliveryUnitOfWork)
    fulfilment = await uow.fulfilments.get_for_update(email.aggregate_id)
    assert fulfilment is not None
    FULFILMENT[f"notification_{outcome}"]  # a row of the table
    await record_notification(uow, email, outcome, reason, fulfilment.state.value)


def mail_outbox(uow: DeliveryUnitOfWork) -> Any:
    return uow.mail_outbox
