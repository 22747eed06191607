"""What ordering does when one of its turns becomes overdue (the kernel's overdue scanner calls
:func:`on_overdue` in the transaction that records ``ordering.step_overdue.v1``, once per turn,
whatever the number of replicas).

- **Reminder**: one e-mail to the actor whose turn it is (``ORDERING_OVERDUE_REMINDERS``),
  queued in the mail outbox (sent only where an address is known: the vendor's).
- **Automatic consequences**, each behind its own setting, recorded as done by ``system`` with
  the reason, publishing what a PPK rejection publishes (``ordering.package_cancelled.v1``:
  competition puts the purchase request back to ``accepted`` for re-competition):

  * the PPK's review (20) not done in its 3 working days cancels the package
    (``ORDERING_AUTO_CANCEL_PPK_REVIEW``, on by default: domain.md, "where LKPP enforces a
    timeout (the PPK has 3 working days after negotiation, else the package is
    auto-cancelled)");
  * a vendor that does not answer a proposal (17) or approve (18) in its 3 working days
    (``ORDERING_AUTO_CANCEL_VENDOR_ANSWER``, ``ORDERING_AUTO_CANCEL_VENDOR_APPROVAL``): off by
    default, because we found no LKPP rule that cancels the package then (README).
"""

from epurchasing_shared.contracts.ordering import PackageCancelled
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import UnitOfWork
from ordering.application.hand_off import queue_overdue_reminder, record_change
from ordering.application.loading import AGGREGATE
from ordering.application.ports import OrderingRules, OrderingUnitOfWork
from ordering.domain.package import Package
from ordering.domain.states import PPK, VENDOR, PackageState

# (SOP step, actor role, state) -> (action, setting's name on OrderingRules, why in Indonesian)
CONSEQUENCES: dict[tuple[str, str, PackageState], tuple[str, str, str]] = {
    ("20", PPK, PackageState.AWAITING_PPK): (
        "ppk_review_expired",
        "auto_cancel_ppk_review",
        "PPK tidak mereviu paket dalam batas waktu",
    ),
    ("17", VENDOR, PackageState.NEGOTIATING): (
        "vendor_answer_expired",
        "auto_cancel_vendor_answer",
        "penyedia tidak menjawab usulan negosiasi dalam batas waktu",
    ),
    ("18", VENDOR, PackageState.AGREED): (
        "vendor_approval_expired",
        "auto_cancel_vendor_approval",
        "penyedia tidak menyetujui paket dalam batas waktu",
    ),
}


def consequence_of(rules: OrderingRules, package: Package, turn: Turn) -> tuple[str, str] | None:
    """(action, reason) of the automatic cancellation the overdue ``turn`` calls for, if its
    rule is on and the package is still where the turn left it; None otherwise."""
    found = CONSEQUENCES.get((turn.sop_step, turn.actor_role, package.state))
    if found is None:
        return None
    action, setting, indonesian = found
    if not getattr(rules, setting):
        return None
    reason = (
        f"cancelled automatically: SOP step {turn.sop_step} by the {turn.actor_role} was due "
        f"{turn.due_at.isoformat()} and not done ({indonesian}; {action})"
    )
    return action, reason


async def on_overdue(uow: UnitOfWork, turn: Turn) -> None:
    """The scanner's hook (``ServiceDefinition(on_overdue=...)``)."""
    assert isinstance(uow, OrderingUnitOfWork)
    if turn.aggregate != AGGREGATE:
        return
    package = await uow.packages.get(turn.aggregate_id, for_update=True)
    if package is None:
        return
    consequence = consequence_of(uow.rules, package, turn)
    notice = None
    if consequence is not None:
        action, reason = consequence
        change = package.expire(action, reason)
        await uow.packages.save(package)
        await record_change(uow, package, change, actor=None)  # done by ``system``
        await uow.record(
            PackageCancelled(
                package_id=package.id,
                purchase_request_id=package.procurement_id,
                competition_id=package.competition_id,
                reason=reason,
                cancelled_at=uow.now(),
            ),
            procurement_id=package.procurement_id,
            sop_step=change.sop_step,
            actor=None,
        )
        notice = (
            "Paket ini telah dibatalkan otomatis oleh sistem karena batas waktu terlewati.\n"
            "English: the package has been cancelled automatically because the step is overdue."
        )
    if uow.rules.overdue_reminders:
        await queue_overdue_reminder(uow, package, turn, notice)
