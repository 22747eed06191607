"""The fulfilment's state machine, as data: action -> from states, to states, SOP step, role.

Two actions have two possible outcomes, decided by the rules rather than by the caller:
``record_shipment`` stays ``shipping`` until the ``delivered`` entry, and ``record_payment``
stays ``handed_over`` until the instalments add up to the order total (then ``paid``).
"""

from dataclasses import dataclass
from enum import StrEnum

from delivery.domain.errors import ActionNotAllowed


class FulfilmentState(StrEnum):
    AWAITING_ACKNOWLEDGEMENT = "awaiting_acknowledgement"
    # Not named in domain.md: the vendor has acknowledged the order (22) but not yet started
    # preparing (23). Kept as a state so that "preparation only after acknowledgement" is data.
    READY_FOR_PREPARATION = "ready_for_preparation"
    PREPARING = "preparing"
    SHIPPING = "shipping"
    DELIVERED = "delivered"
    INSPECTED = "inspected"
    HANDED_OVER = "handed_over"
    PAID = "paid"
    COMPLETED = "completed"


S = FulfilmentState
SYSTEM = "system"  # the acting "role" of transitions driven by incoming events


@dataclass(frozen=True)
class Transition:
    action: str
    from_states: frozenset[FulfilmentState]
    to_states: frozenset[FulfilmentState]
    sop_step: str
    role: str  # a token role (ppk, vendor) or SYSTEM


def _t(action: str, sources: set[S], targets: set[S], step: str, role: str) -> Transition:
    return Transition(action, frozenset(sources), frozenset(targets), step, role)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t(
            "acknowledge_order",
            {S.AWAITING_ACKNOWLEDGEMENT},
            {S.READY_FOR_PREPARATION},
            "22",
            SYSTEM,
        ),
        _t("start_preparation", {S.READY_FOR_PREPARATION}, {S.PREPARING}, "23", "vendor"),
        _t("record_shipment", {S.PREPARING, S.SHIPPING}, {S.SHIPPING, S.DELIVERED}, "25", "vendor"),
        _t("inspect_goods", {S.DELIVERED}, {S.INSPECTED}, "26", "ppk"),
        _t("hand_over_goods", {S.INSPECTED}, {S.HANDED_OVER}, "26", "ppk"),
        _t("record_payment", {S.HANDED_OVER}, {S.HANDED_OVER, S.PAID}, "26", "ppk"),
        _t("complete_package", {S.PAID}, {S.COMPLETED}, "27", "ppk"),
        # An addendum lowering the total to exactly what is already paid settles the account.
        _t("settle_by_addendum", {S.HANDED_OVER}, {S.PAID}, "24a", SYSTEM),
    )
}

# Addenda (24a) change the order the fulfilment follows, not its state. The order total is
# only the basis of payment until it is paid in full; see Fulfilment.follow_amendment.
AMENDABLE_STATES = frozenset(set(S) - {S.PAID, S.COMPLETED})


def allowed_actions(state: FulfilmentState, role: str) -> list[str]:
    """The actions ``role`` may take in ``state`` (what a front end shows as buttons)."""
    return sorted(
        t.action for t in TRANSITIONS.values() if state in t.from_states and t.role == role
    )


def require_transition(action: str, state: FulfilmentState) -> Transition:
    """The transition of ``action``, or ActionNotAllowed when ``state`` does not allow it."""
    transition = TRANSITIONS[action]
    if state not in transition.from_states:
        raise ActionNotAllowed(action, state.value, allowed_actions(state, transition.role))
    return transition
