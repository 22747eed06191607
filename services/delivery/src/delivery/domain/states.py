# ruff: noqa: E501
"""The fulfilment's state machine, as one table: action, from, to, SOP step, role.

Two actions have two possible outcomes, decided by the rules rather than by the caller:
``record_shipment`` stays ``shipping`` until the ``delivered`` entry, and ``record_payment``
stays ``handed_over`` until the instalments add up to the order total (then ``paid``).
Rows done by ``SYSTEM`` are driven by ordering's events; ``open_fulfilment`` leaves from no
state (the fulfilment is opened by ``order_issued``), so it is never an allowed action.
"""

from enum import StrEnum

from epurchasing_shared.kernel.states import SYSTEM, StateMachine, transition


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
PPK, VENDOR = "ppk", "vendor"

# Addenda (24a) change the order the fulfilment follows, not its state. The order total is
# only the basis of payment until it is paid in full; see Fulfilment.follow_amendment.
AMENDABLE_STATES = frozenset(set(S) - {S.PAID, S.COMPLETED})

AWAITING, READY = S.AWAITING_ACKNOWLEDGEMENT, S.READY_FOR_PREPARATION

# One row per transition, aligned as a table (hence the long lines).
# fmt: off
FULFILMENT = StateMachine("fulfilment", [
    #          action                from states                to state(s)                step   by
    transition("open_fulfilment",    (),                        AWAITING,                  "21",  SYSTEM),
    transition("acknowledge_order",  {AWAITING},                READY,                     "22",  SYSTEM),
    transition("start_preparation",  {READY},                   S.PREPARING,               "23",  VENDOR),
    transition("record_shipment",    {S.PREPARING, S.SHIPPING}, (S.SHIPPING, S.DELIVERED), "25",  VENDOR),
    transition("inspect_goods",      {S.DELIVERED},             S.INSPECTED,               "26",  PPK),
    transition("hand_over_goods",    {S.INSPECTED},             S.HANDED_OVER,             "26",  PPK),
    transition("record_payment",     {S.HANDED_OVER},           (S.HANDED_OVER, S.PAID),   "26",  PPK),
    transition("complete_package",   {S.PAID},                  S.COMPLETED,               "27",  PPK),
    transition("follow_amendment",   AMENDABLE_STATES,          None,                      "24a", SYSTEM),
    # An addendum lowering the total to exactly what is already paid settles the account.
    transition("settle_by_addendum", {S.HANDED_OVER},           S.PAID,                    "24a", SYSTEM),
])
# fmt: on
