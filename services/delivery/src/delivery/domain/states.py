# ruff: noqa: E501
"""The fulfilment's state machine, as one table: action, from, to, SOP step, role.

Two actions have two possible outcomes, decided by the rules rather than by the caller:
``record_shipment`` stays ``shipping`` until the ``delivered`` entry, and ``record_payment``
stays ``handed_over`` until the instalments add up to the order total (then ``paid``).
Rows done by ``SYSTEM`` are driven by ordering's events; ``open_fulfilment`` leaves from no
state (the fulfilment is opened by ``order_issued``), so it is never an allowed action.
"""

from enum import StrEnum

from epurchasing_shared.kernel.states import SYSTEM, StateMachine, TimeStandard, transition


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

# The turn each transition hands over (the SOP's *Waktu*, in working days): who acts next, for
# which SOP step. README "Time standards" says why each number was chosen.
VENDOR_STARTS = TimeStandard(working_days=1, actor=VENDOR, step="23")  # start preparing (23)
VENDOR_SHIPS = TimeStandard(working_days=3, actor=VENDOR, step="25")  # 23's 3 days: ship
VENDOR_REPORTS = TimeStandard(working_days=1, actor=VENDOR, step="25")  # next shipping entry
PPK_INSPECTS = TimeStandard(working_days=1, actor=PPK, step="26")  # BAP
PPK_HANDS_OVER = TimeStandard(working_days=1, actor=PPK, step="26")  # BAST
PPK_PAYS = TimeStandard(working_days=1, actor=PPK, step="26")  # (next) payment
PPK_COMPLETES = TimeStandard(working_days=1, actor=PPK, step="27")  # complete and rate

# One row per transition, aligned as a table (hence the long lines). ``time`` is the turn the
# row's FIRST target hands over; None: no turn opens (the open one, if any, just ends).
# fmt: off
FULFILMENT = StateMachine("fulfilment", [
    #          action                from states                to state(s)                step   by       time
    transition("open_fulfilment",    (),                        AWAITING,                  "21",  SYSTEM),  # none: 22 is the vendor's turn in ordering
    transition("acknowledge_order",  {AWAITING},                READY,                     "22",  SYSTEM,  time_standard=VENDOR_STARTS),
    transition("start_preparation",  {READY},                   S.PREPARING,               "23",  VENDOR,  time_standard=VENDOR_SHIPS),
    transition("record_shipment",    {S.PREPARING, S.SHIPPING}, (S.SHIPPING, S.DELIVERED), "25",  VENDOR,  time_standard=VENDOR_REPORTS),
    transition("inspect_goods",      {S.DELIVERED},             S.INSPECTED,               "26",  PPK,     time_standard=PPK_HANDS_OVER),
    transition("hand_over_goods",    {S.INSPECTED},             S.HANDED_OVER,             "26",  PPK,     time_standard=PPK_PAYS),
    transition("record_payment",     {S.HANDED_OVER},           (S.HANDED_OVER, S.PAID),   "26",  PPK,     time_standard=PPK_PAYS),
    transition("complete_package",   {S.PAID},                  S.COMPLETED,               "27",  PPK),
    # A side entry: the order followed changes, whoever's turn it is goes on (close_turn=False).
    transition("follow_amendment",   AMENDABLE_STATES,          None,                      "24a", SYSTEM),
    # An addendum lowering the total to exactly what is already paid settles the account.
    transition("settle_by_addendum", {S.HANDED_OVER},           S.PAID,                    "24a", SYSTEM,  time_standard=PPK_COMPLETES),
    # The PPK's "your turn" e-mail (25: the goods delivered) and the reminders of overdue turns:
    # side entries by the system, at the e-mail's own SOP step; the turn goes on.
    transition("notification_sent",        (),                  None,                      "26",  SYSTEM),
    transition("notification_failed",      (),                  None,                      "26",  SYSTEM),
    transition("notification_unconfirmed", (),                  None,                      "26",  SYSTEM),
])
# fmt: on

# Where a row's rules choose another target than its first, the turn that target hands over.
TURN_ON_TARGET: dict[tuple[str, str], TimeStandard] = {
    ("record_shipment", S.DELIVERED): PPK_INSPECTS,  # the delivered entry: the PPK's turn
    ("record_payment", S.PAID): PPK_COMPLETES,  # paid in full: completion (27)
}
