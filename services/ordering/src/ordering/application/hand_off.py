"""Every change of a package goes through here: its history entry, the turn it hands over
(who acts next, for which SOP step, due when: from the table's time standard) and, where the
next actor is to be told, the "your turn" e-mail queued in the mail outbox in the same
transaction (at most once per hand-off: the turn's id is in the e-mail's Message-ID)."""

from collections.abc import Sequence

from epurchasing_shared.contracts.envelope import Actor
from epurchasing_shared.documents import DocumentRef
from epurchasing_shared.kernel.states import Change, Turn
from epurchasing_shared.kernel.unit_of_work import CALLER, _CallerDefault
from epurchasing_shared.mail import MailRules, QueuedEmail
from epurchasing_shared.mail.notices import Bilingual, Kind, notice_email
from ordering.application.loading import AGGREGATE
from ordering.application.ports import OrderingRules, OrderingUnitOfWork
from ordering.domain.notification import THIS_PACKAGE, YOUR_TURN, facts
from ordering.domain.package import Package
from ordering.domain.states import OFFICIAL, PPK, VENDOR


def actor_of(package: Package, role: str) -> str | None:
    """Who exactly holds a turn of ``role`` on the package: the named official or PPK (user
    id), or the VENDOR id for a vendor's turn (any user of the vendor sees it)."""
    if role == VENDOR:
        return str(package.vendor.id)
    if role == PPK:
        return package.ppk.id
    if role == OFFICIAL:
        return package.official.id
    return None


def addressee_of(package: Package, role: str) -> tuple[str, str | None]:
    """Name and e-mail of the actor of ``role``: the vendor's from the catalogue, the PPK's and
    the official's from competition's event (their tokens' email claim); None where no address
    is known, and then nothing is sent (the outbox and the history say so once)."""
    if role == VENDOR:
        return package.vendor.name, package.vendor.email
    if role == PPK:
        return package.ppk.name, package.ppk.email
    if role == OFFICIAL:
        return package.official.name, package.official.email
    return role, None


async def record_change(
    uow: OrderingUnitOfWork,
    package: Package,
    change: Change,
    *,
    reason: str | None = None,
    documents: Sequence[DocumentRef] = (),
    actor: Actor | _CallerDefault | None = CALLER,
    close_turn: bool = True,
) -> Turn | None:
    """The change's history entry and turn (closing the open one, opening the table's next
    with the actor's id and the work unit), and its "your turn" e-mail where one is due."""
    standard = change.time_standard
    turn = await uow.history(
        change,
        procurement_id=package.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=package.id,
        reason=reason,
        documents=documents,
        actor=actor,
        actor_id=actor_of(package, standard.actor) if standard else None,
        work_unit=package.work_unit if standard else None,
        close_turn=close_turn,
    )
    if turn is not None and turn.sop_step in YOUR_TURN and uow.rules.turn_emails:
        await queue_turn_email(uow, package, turn)
    return turn


def _mail(rules: OrderingRules) -> MailRules:
    """What the e-mails take from ordering's settings: the links' base and the sender."""
    return MailRules(public_base_url=rules.public_base_url, sender=rules.mail_sender)


def _email(
    uow: OrderingUnitOfWork,
    package: Package,
    turn: Turn,
    kind: Kind,
    wording: Bilingual,
    consequence: str | None = None,
) -> QueuedEmail:
    name, address = addressee_of(package, turn.actor_role)
    mail = _mail(uow.rules)
    return notice_email(
        turn,
        kind=kind,
        wording=wording,
        facts=facts(package),
        addressee=name,
        recipient=address,
        link=mail.link(f"packages/{package.id}"),
        rules=mail,
        zone=uow.calendar.zone,
        now=uow.now(),
        causation_id=uow.caller.causation_id,
        consequence=consequence,
    )


async def queue_turn_email(uow: OrderingUnitOfWork, package: Package, turn: Turn) -> bool:
    """Tell the next actor it is their turn (17, 20, 22): one e-mail per hand-off (turn).
    Queued even when no address is known, so the outbox and the history show once that it
    could not be sent (the sender gives up on it at once; nothing is sent)."""
    email = _email(uow, package, turn, "your_turn", YOUR_TURN[turn.sop_step])
    return await uow.vendor_emails.queue(email)


async def queue_overdue_reminder(
    uow: OrderingUnitOfWork, package: Package, turn: Turn, consequence: str | None
) -> bool:
    """Remind the actor whose turn became overdue: one reminder per turn."""
    email = _email(uow, package, turn, "overdue_reminder", THIS_PACKAGE, consequence)
    return await uow.vendor_emails.queue(email)
