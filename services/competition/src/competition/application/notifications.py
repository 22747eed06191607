"""Competition's e-mails, through the shared mail outbox and sender (``epurchasing_shared.mail``):

- **your turn** (4): when the PPK submits a purchase request, the named procurement official
  is e-mailed (``COMPETITION_TURN_EMAILS``), at the address the PPK gave at submission, or
  their token's email claim once they have acted on the request;
- **reminder**: when a turn of a request (3, 4, 6) or of a competition (9, 11, 12, 13) becomes
  overdue, its holder (the PPK or the official) is reminded once
  (``COMPETITION_OVERDUE_REMINDERS``; the overdue scanner's hook).

Each is queued in the transaction of its cause, one per turn (the turn's id is in its
Message-ID), even with no address known: the sender then gives up at once and the history
says so once. Each attempt is a side entry of the request or competition:
``notification_sent``, ``_failed`` or ``_unconfirmed`` at the e-mail's SOP step.
"""

from typing import Any

from competition.application.ports import CompetitionUnitOfWork
from competition.domain import competition as cp
from competition.domain import purchase_request as pr
from competition.domain.notification import STEP_TASKS, YOUR_TURN, facts
from competition.domain.purchase_request import PurchaseRequest
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import UnitOfWork
from epurchasing_shared.mail import Outcome, QueuedEmail
from epurchasing_shared.mail.notices import Kind, notice_email, step_task
from epurchasing_shared.mail.sender import record_notification

REQUEST, COMPETITION = "purchase_request", "competition"
PATHS = {REQUEST: "purchase-requests", COMPETITION: "competitions"}


def addressee_of(request: PurchaseRequest, role: str) -> tuple[str, str | None]:
    """Name and e-mail of who holds a turn of ``role`` on the request (or its competition):
    its PPK, or the official it is addressed to; None where no address is known."""
    if role == pr.PPK:
        return request.ppk_name, request.ppk_email
    if role == pr.OFFICIAL and request.official is not None:
        return request.official.name, request.official.email
    return "Pejabat Pengadaan", None


def _email(
    uow: CompetitionUnitOfWork, request: PurchaseRequest, turn: Turn, kind: Kind
) -> QueuedEmail:
    name, address = addressee_of(request, turn.actor_role)
    step = turn.sop_step
    wording = YOUR_TURN[step] if kind == "your_turn" else step_task(STEP_TASKS, step)
    return notice_email(
        turn,
        kind=kind,
        wording=wording,
        facts=facts(request),
        addressee=name,
        recipient=address,
        link=uow.mail.link(f"{PATHS[turn.aggregate]}/{turn.aggregate_id}"),
        rules=uow.mail,
        zone=uow.calendar.zone,
        now=uow.now(),
        causation_id=uow.caller.causation_id,
    )


async def queue_turn_email(
    uow: CompetitionUnitOfWork, request: PurchaseRequest, turn: Turn | None
) -> bool:
    """Tell the next actor it is their turn where the table says so (4): one e-mail per
    hand-off. False when none is due (or the setting is off, or it was queued already)."""
    if turn is None or turn.sop_step not in YOUR_TURN or not uow.mail.turn_emails:
        return False
    return await uow.mail_outbox.queue(_email(uow, request, turn, "your_turn"))


async def _request_of(uow: CompetitionUnitOfWork, turn: Turn) -> PurchaseRequest | None:
    if turn.aggregate == REQUEST:
        return await uow.requests.get(turn.aggregate_id)
    if turn.aggregate == COMPETITION:
        competition = await uow.competitions.get(turn.aggregate_id)
        if competition is not None:
            return await uow.requests.get(competition.purchase_request_id)
    return None


async def on_overdue(uow: UnitOfWork, turn: Turn) -> None:
    """The overdue scanner's hook (``ServiceDefinition(on_overdue=...)``), in the transaction
    that records ``competition.step_overdue.v1``: one reminder to the turn's holder."""
    assert isinstance(uow, CompetitionUnitOfWork)
    if not uow.mail.overdue_reminders:
        return
    request = await _request_of(uow, turn)
    if request is not None:
        await uow.mail_outbox.queue(_email(uow, request, turn, "overdue_reminder"))


async def record_outcome(uow: Any, email: QueuedEmail, outcome: Outcome, reason: str) -> None:
    """The mail sender's hook: the history entry of one attempt, on the e-mail's request or
    competition (which stays as it is)."""
    assert isinstance(uow, CompetitionUnitOfWork)
    state: str
    if email.aggregate == COMPETITION:
        competition = await uow.competitions.get(email.aggregate_id)
        assert competition is not None
        cp.COMPETITION_MACHINE[f"notification_{outcome}"]  # a row of the table
        state = competition.state
    else:
        request = await uow.requests.get(email.aggregate_id)
        assert request is not None
        pr.PURCHASE_REQUEST_MACHINE[f"notification_{outcome}"]
        state = request.state
    await record_notification(uow, email, outcome, reason, state)


def mail_outbox(uow: CompetitionUnitOfWork) -> Any:
    return uow.mail_outbox
