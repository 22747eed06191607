"""The mini-competition (SOP steps 5–13): its data, its states and who may move it.

``draft`` (6–8) → ``open`` (9) → ``evaluated:succeeded`` | ``evaluated:failed`` (11) →
``published`` (12) → ``package_generated`` (13, succeeded competitions only).
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from competition.domain.errors import ActionNotAllowed, RuleViolation
from epurchasing_shared.kernel.states import (
    SYSTEM,
    Change,
    StateMachine,
    TimeStandard,
    transition,
    with_time_standard,
)

OFFICIAL, VENDOR = "procurement_official", "vendor"
DRAFT, OPEN = "draft", "open"
SUCCEEDED, FAILED = "evaluated:succeeded", "evaluated:failed"
PUBLISHED, PACKAGE_GENERATED = "published", "package_generated"

Kind = Literal["product", "specification"]

# The SOP's *Waktu* of the official's turns on a competition (the README says why).
#: Created (6–7): the official enters the data (8) and sets the offer deadline (9): 1 + 1 days.
OFFICIAL_OPENS = TimeStandard(working_days=2, actor=OFFICIAL, step="9")
#: Opened (9): the vendors offer (10) until the official's deadline, which is a time, not a
#: working-day count; the official then evaluates (11) within 1 working day AFTER the
#: deadline. The row holds that 1 day; :func:`open_competition` adds the working days of the
#: offer period, so the turn is due at the end of the first working day after the deadline.
OFFICIAL_EVALUATES = TimeStandard(working_days=1, actor=OFFICIAL, step="11")
#: Evaluated (11): the official publishes the result (12).
OFFICIAL_PUBLISHES = TimeStandard(working_days=1, actor=OFFICIAL, step="12")
#: Published (12), succeeded: the official generates the package (13). A failed competition
#: ends at publication (no turn; its request is the official's again, to compete anew).
OFFICIAL_GENERATES = TimeStandard(working_days=1, actor=OFFICIAL, step="13")

COMPETITION_MACHINE = StateMachine(
    "competition",
    [
        # Drafting creates the competition (7): no state leaves to it.
        transition("create", [], DRAFT, "7", OFFICIAL, time_standard=OFFICIAL_OPENS),
        # A side action while the official's turn goes on (it neither ends nor restarts it).
        transition("edit", [DRAFT], DRAFT, "8", OFFICIAL),
        transition("open", [DRAFT], OPEN, "9", OFFICIAL, time_standard=OFFICIAL_EVALUATES),
        # Offers are the offer's own history (aggregate "offer"): they leave the turn alone.
        transition("submit_offer", [OPEN], OPEN, "10", VENDOR),
        transition("revise_offer", [OPEN], OPEN, "10", VENDOR),
        transition("withdraw_offer", [OPEN], OPEN, "10", VENDOR),
        # The official evaluates, or the service itself once the deadline has passed.
        transition(
            "evaluate",
            [OPEN],
            (SUCCEEDED, FAILED),
            "11",
            OFFICIAL,
            SYSTEM,
            time_standard=OFFICIAL_PUBLISHES,
        ),
        transition(
            "publish",
            [SUCCEEDED, FAILED],
            PUBLISHED,
            "12",
            OFFICIAL,
            time_standard=OFFICIAL_GENERATES,
        ),
        # Competition's part ends: the turn closes; ordering opens the next one (14).
        transition("generate_package", [PUBLISHED], PACKAGE_GENERATED, "13", OFFICIAL),
        # Reminders of the competition's overdue turns: side entries by the system, at the
        # e-mail's own SOP step; the turn goes on.
        *(
            transition(f"notification_{outcome}", [], None, "9", SYSTEM)
            for outcome in ("sent", "failed", "unconfirmed")
        ),
    ],
)
OFFER_ACTIONS = ("submit_offer", "revise_offer", "withdraw_offer")


@dataclass(frozen=True)
class CompetitionItem:
    line_no: int
    description: str
    quantity: int
    unit: str


@dataclass
class Competition:
    id: UUID
    purchase_request_id: UUID
    work_unit: str
    kind: Kind
    category: str
    items: list[CompetitionItem]
    pagu: int
    delivery_deadline: date
    # The competed product (kind ``product``): offers must be the same catalogue product.
    product_id: UUID | None = None
    product_name: str | None = None
    offer_deadline: datetime | None = None
    state: str = DRAFT
    version: int = 1
    eligible_vendor_ids: list[UUID] = field(default_factory=list)
    outcome: Literal["succeeded", "failed"] | None = None
    failure_reason: str | None = None
    package_id: UUID | None = None

    def offers_closed(self, now: datetime) -> bool:
        return self.offer_deadline is not None and now >= self.offer_deadline

    def allowed_actions(self, role: str, now: datetime, has_offer: bool = False) -> list[str]:
        """The machine's actions for this role, narrowed by the deadline and the outcome."""
        actions = set(COMPETITION_MACHINE.allowed_actions(self.state, role))
        if self.state == OPEN:
            if self.offers_closed(now):
                actions -= set(OFFER_ACTIONS)
            else:
                actions.discard("evaluate")
                actions -= {"revise_offer", "withdraw_offer"} if not has_offer else set()
                actions -= {"submit_offer"} if has_offer else set()
        if self.outcome != "succeeded":
            actions.discard("generate_package")
        return sorted(actions)

    def move(
        self,
        action: str,
        role: str,
        now: datetime,
        chosen: str | None = None,
        reason: str | None = None,
    ) -> Change:
        """Apply a state-changing action (not an offer's); returns the table's change."""
        COMPETITION_MACHINE.check(action, self.state, role)
        allowed = self.allowed_actions(role, now)
        if action not in allowed:
            raise ActionNotAllowed(
                action,
                self.state,
                allowed,
                _why_not(self, action, now),
                _why_not_id(self, action),
            )
        change = COMPETITION_MACHINE.change(action, self.state, role, to=chosen, reason=reason)
        if action == "publish" and self.outcome != "succeeded":
            change = with_time_standard(change, None)  # a failed competition ends here
        self.state = change.to_state
        self.version += 1
        return change


def created(competition: Competition) -> Change:
    """The change that creates a draft competition (7), as the history records it: the
    official's turn to open it (8–9) starts."""
    return COMPETITION_MACHINE.initial("create", competition.state)


def offer_change(action: str, from_state: str | None, to_state: str) -> Change:
    """An offer's own change (10): the offer's states, the competition table's SOP step."""
    return Change(action, from_state, to_state, COMPETITION_MACHINE[action].sop_step)


def _why_not(competition: Competition, action: str, now: datetime) -> str:
    if action == "evaluate":
        return f"offers are open until {competition.offer_deadline}; evaluate after the deadline"
    if action == "generate_package":
        return "only a succeeded competition generates a package"
    return f"{action} is not allowed in the {competition.state!r} state"


def _why_not_id(competition: Competition, action: str) -> str:
    if action == "evaluate":
        return (
            f"penawaran masih dibuka sampai {competition.offer_deadline}; "
            "evaluasi setelah batas waktu"
        )
    if action == "generate_package":
        return "hanya kompetisi yang berhasil yang menghasilkan paket"
    return f"tindakan {action} tidak diperbolehkan pada status {competition.state}"


def check_competition_data(competition: Competition) -> None:
    """Rules of the competition data (step 8)."""
    errors: list[tuple[str, str, str]] = []
    if competition.pagu < 1:
        errors.append(("pagu", "the pagu must be at least Rp1", "pagu minimal Rp1"))
    if not competition.items:
        errors.append(
            (
                "items",
                "a competition needs at least one item",
                "kompetisi memerlukan minimal satu barang",
            )
        )
    line_numbers = [item.line_no for item in competition.items]
    if len(set(line_numbers)) != len(line_numbers):
        errors.append(("items", "line numbers must be unique", "nomor baris harus unik"))
    for index, item in enumerate(competition.items):
        if item.quantity < 1:
            errors.append(
                (f"items.{index}.quantity", "the quantity must be at least 1", "jumlah minimal 1")
            )
    if competition.kind == "product" and competition.product_id is None:
        errors.append(
            (
                "product_id",
                "a product competition names the competed product",
                "kompetisi produk harus menyebut produk yang dikompetisikan",
            )
        )
    if errors:
        raise RuleViolation(errors)


def check_items_within_request(
    items: list[CompetitionItem], requested: list[tuple[str, int, str]]
) -> None:
    """A competition asks for no more than its purchase request does (step 8): line ``n`` is
    the request's ``n``-th item, ``requested`` its (description, quantity, unit) in order."""
    errors: list[tuple[str, str, str]] = []
    for index, item in enumerate(items):
        if not 1 <= item.line_no <= len(requested):
            errors.append(
                (
                    f"items.{index}.line_no",
                    f"the purchase request has no item {item.line_no}",
                    f"permintaan pembelian tidak memiliki barang nomor {item.line_no}",
                )
            )
            continue
        _, quantity, unit = requested[item.line_no - 1]
        if item.quantity > quantity:
            errors.append(
                (
                    f"items.{index}.quantity",
                    f"more than the purchase request asks for ({quantity} {unit})",
                    f"melebihi jumlah pada permintaan pembelian ({quantity} {unit})",
                )
            )
    if errors:
        raise RuleViolation(errors)


def open_competition(
    competition: Competition,
    offer_deadline: datetime,
    eligible: list[UUID],
    now: datetime,
    offer_period_days: int = 0,
) -> Change:
    """Set the offer deadline and the eligible vendors (step 9); returns the change.

    ``offer_period_days``: the working days from now to the deadline (the calendar's count,
    given by the use case). The official's evaluation turn that opening hands over is due
    the table's days after the deadline, so those days are added to the row's standard."""
    if offer_deadline <= now:
        raise RuleViolation.one(
            "offer_deadline",
            "the offer deadline must be in the future",
            "batas waktu penawaran harus di masa depan",
        )
    if offer_deadline.date() > competition.delivery_deadline:
        raise RuleViolation.one(
            "offer_deadline",
            "the offer deadline is after the delivery deadline",
            "batas waktu penawaran melewati batas waktu pengiriman",
        )
    check_competition_data(competition)
    change = competition.move("open", OFFICIAL, now)
    if change.time_standard is not None and offer_period_days > 0:
        standard = change.time_standard
        days = standard.working_days + offer_period_days
        change = with_time_standard(change, replace(standard, working_days=days))
    competition.offer_deadline = offer_deadline
    competition.eligible_vendor_ids = sorted(eligible, key=str)
    return change


def check_offers_open(competition: Competition, action: str, now: datetime) -> None:
    """Offers are taken, revised and withdrawn only while open and before the deadline."""
    COMPETITION_MACHINE.check(action, competition.state, VENDOR)
    if competition.offers_closed(now):
        raise ActionNotAllowed(
            action,
            competition.state,
            [],
            f"the offer deadline passed at {competition.offer_deadline}",
            f"batas waktu penawaran telah lewat pada {competition.offer_deadline}",
        )
