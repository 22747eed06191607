"""The purchase request (SOP steps 1–4): the PPK's need, addressed to a procurement official.

``draft`` → ``submitted`` (3) → ``accepted`` (4) → ``in_competition`` → ``accepted`` again when
a competition fails or its package is cancelled (re-competition); ``fulfilled`` (final) once the
delivery service completes the package (27).
"""

from dataclasses import dataclass, field, replace
from datetime import date
from uuid import UUID

from competition.domain.errors import RuleViolation
from epurchasing_shared.kernel.states import (
    SYSTEM,
    Change,
    StateMachine,
    TimeStandard,
    transition,
)

PPK, OFFICIAL = "ppk", "procurement_official"

DRAFT, SUBMITTED, ACCEPTED, IN_COMPETITION = "draft", "submitted", "accepted", "in_competition"
FULFILLED = "fulfilled"

# The SOP's *Waktu* of the turns a request hands over (docs/time-standards.md; the README of
# this service says why each is what it is). A turn runs until the action that ends it; where
# the system has no action between SOP steps, its working days are the sum of theirs.
#: The PPK writes the specification and memo (2) and sends the request (3): 1 + 1 days.
PPK_PREPARES = TimeStandard(working_days=2, actor=PPK, step="3")
#: The named official receives the request: accepts or returns it (4).
OFFICIAL_RECEIVES = TimeStandard(working_days=1, actor=OFFICIAL, step="4")
#: The official logs in (5), drafts the competition (6) and chooses the product or
#: specification (7), which creating the competition does at once: 1 + 1 + 1 days.
OFFICIAL_CREATES_COMPETITION = TimeStandard(working_days=3, actor=OFFICIAL, step="6")

NOTIFICATION_ROWS = [
    transition(f"notification_{outcome}", [], None, "4", SYSTEM)
    for outcome in ("sent", "failed", "unconfirmed")
]

PURCHASE_REQUEST_MACHINE = StateMachine(
    "purchase request",
    [
        # Drafting creates the request: no state leaves to it, only its SOP step is read.
        transition("draft", [], DRAFT, "1", PPK, time_standard=PPK_PREPARES),
        # Side actions while the PPK's turn goes on (they neither end nor restart it).
        transition("edit", [DRAFT], DRAFT, "2", PPK),
        transition("attach_document", [DRAFT], DRAFT, "2", PPK),
        transition("submit", [DRAFT], SUBMITTED, "3", PPK, time_standard=OFFICIAL_RECEIVES),
        transition(
            "accept",
            [SUBMITTED],
            ACCEPTED,
            "4",
            OFFICIAL,
            time_standard=OFFICIAL_CREATES_COMPETITION,
        ),
        # Returned: the PPK's turn to revise (2) and send it again (3).
        transition("return", [SUBMITTED], DRAFT, "4", OFFICIAL, time_standard=PPK_PREPARES),
        # The request's turn ends; the competition's own turns follow (domain/competition.py).
        transition("start_competition", [ACCEPTED], IN_COMPETITION, "6", OFFICIAL),
        # A failed competition (11a) or a package the PPK cancelled (20b) lets the request be
        # competed again: the official's turn to create the next competition.
        transition(
            "reopen",
            [IN_COMPETITION],
            ACCEPTED,
            "11",
            SYSTEM,
            time_standard=OFFICIAL_CREATES_COMPETITION,
        ),
        transition(
            "reopen_after_cancellation",
            [IN_COMPETITION],
            ACCEPTED,
            "20",
            SYSTEM,
            time_standard=OFFICIAL_CREATES_COMPETITION,
        ),
        # delivery.package_completed.v1: the request's package was delivered, paid, completed.
        transition("fulfil", [IN_COMPETITION], FULFILLED, "27", SYSTEM),
        # The "your turn" e-mail of the official (4) and the reminders of the request's overdue
        # turns: side entries by the system, at the e-mail's own SOP step; the turn goes on.
        *NOTIFICATION_ROWS,
    ],
)

NOTA_DINAS, SPECIFICATION = "nota_dinas", "specification"
DOCUMENT_KINDS = (NOTA_DINAS, SPECIFICATION)


@dataclass(frozen=True)
class RequestItem:
    category: str
    description: str
    quantity: int
    unit: str
    product_id: UUID | None = None


@dataclass(frozen=True)
class Official:
    id: str
    name: str
    # Where the official is told it is their turn (4) and reminded: given by the PPK at
    # submission, or their token's email claim once they act on the request.
    email: str | None = None


@dataclass
class PurchaseRequest:
    id: UUID
    work_unit: str
    ppk_id: str
    ppk_name: str
    rup_code: str
    fiscal_year: int
    dpa_number: str
    pagu: int
    title: str
    specification: str
    items: list[RequestItem]
    delivery_address: str
    delivery_date: date
    official: Official | None = None
    state: str = DRAFT
    version: int = 1
    document_kinds: set[str] = field(default_factory=set)
    # Why the official last returned the request to the PPK (step 4); cleared when it is
    # submitted again. The history keeps every return with its reason.
    return_reason: str | None = None
    # Where the PPK can be told it is their turn (their token's email claim at drafting).
    ppk_email: str | None = None

    def allowed_actions(self, role: str) -> list[str]:
        return PURCHASE_REQUEST_MACHINE.allowed_actions(self.state, role)

    def turn_holder(self, role: str) -> str | None:
        """Who exactly a turn of ``role`` on this request belongs to: its PPK, or the
        procurement official it is addressed to."""
        if role == PPK:
            return self.ppk_id
        if role == OFFICIAL and self.official is not None:
            return self.official.id
        return None

    def _move(self, action: str, role: str, reason: str | None = None) -> Change:
        change = PURCHASE_REQUEST_MACHINE.change(action, self.state, role, reason=reason)
        self.state = change.to_state
        self.version += 1
        return change


def drafted(request: PurchaseRequest) -> Change:
    """The change that creates a draft (steps 1–2), as the history records it: the PPK's
    turn to send it (3) opens."""
    return PURCHASE_REQUEST_MACHINE.initial("draft", request.state)


# A fiscal year (tahun anggaran) within one year of the current one, and a delivery date no
# further ahead than this: a budget is not written for 1970 nor for 2100.
FISCAL_YEARS_AROUND = 1
DELIVERY_YEARS_AHEAD = 3


def latest_delivery_date(today: date) -> date:
    """The furthest delivery date a request or a competition may name."""
    try:
        return today.replace(year=today.year + DELIVERY_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + DELIVERY_YEARS_AHEAD, day=28)


def check_draft_data(request: PurchaseRequest, today: date) -> None:
    """Rules of a draft's content (steps 1–2) beyond field types."""
    errors: list[tuple[str, str, str]] = []
    if request.pagu < 1:
        errors.append(("pagu", "the pagu must be at least Rp1", "pagu minimal Rp1"))
    if not request.items:
        errors.append(
            (
                "items",
                "a purchase request needs at least one item",
                "permintaan pembelian memerlukan minimal satu barang",
            )
        )
    for index, item in enumerate(request.items):
        if item.quantity < 1:
            errors.append(
                (
                    f"items.{index}.quantity",
                    "the quantity must be at least 1",
                    "jumlah minimal 1",
                )
            )
    low, high = today.year - FISCAL_YEARS_AROUND, today.year + FISCAL_YEARS_AROUND
    if not low <= request.fiscal_year <= high:
        errors.append(
            (
                "fiscal_year",
                f"the fiscal year must be between {low} and {high}",
                f"tahun anggaran harus antara {low} dan {high}",
            )
        )
    if request.delivery_date < today:
        errors.append(
            (
                "delivery_date",
                "the delivery date is in the past",
                "tanggal pengiriman sudah lewat",
            )
        )
    elif request.delivery_date > latest_delivery_date(today):
        errors.append(
            (
                "delivery_date",
                f"the delivery date is more than {DELIVERY_YEARS_AHEAD} years ahead",
                f"tanggal pengiriman lebih dari {DELIVERY_YEARS_AHEAD} tahun ke depan",
            )
        )
    if errors:
        raise RuleViolation(errors)


def edit_draft(
    request: PurchaseRequest, changes: dict[str, object], today: date, role: str = PPK
) -> Change:
    """Change a draft's data (step 2); the whole result must still be a valid draft."""
    PURCHASE_REQUEST_MACHINE.check("edit", request.state, role)
    updated = replace(request, **changes)  # type: ignore[arg-type]
    check_draft_data(updated, today)
    for name, value in changes.items():
        setattr(request, name, value)
    return request._move("edit", role)


def attach_document(request: PurchaseRequest, kind: str, role: str = PPK) -> Change:
    """A nota dinas or specification document joins the draft (step 2)."""
    if kind not in DOCUMENT_KINDS:
        raise RuleViolation.one(
            "kind",
            f"kind must be one of {', '.join(DOCUMENT_KINDS)}",
            f"jenis dokumen harus salah satu dari {', '.join(DOCUMENT_KINDS)}",
        )
    change = request._move("attach_document", role)
    request.document_kinds.add(kind)
    return change


def submit(request: PurchaseRequest, official: Official | None, role: str = PPK) -> Change:
    """Send the request to a named procurement official (step 3); the nota dinas is required."""
    PURCHASE_REQUEST_MACHINE.check("submit", request.state, role)
    named = official or request.official
    errors: list[tuple[str, str, str]] = []
    if named is None:
        errors.append(
            (
                "official",
                "name the procurement official the request goes to",
                "sebutkan Pejabat Pengadaan tujuan permintaan",
            )
        )
    if NOTA_DINAS not in request.document_kinds:
        errors.append(
            (
                "documents",
                "attach the nota dinas before submitting",
                "lampirkan nota dinas sebelum mengirim permintaan",
            )
        )
    if errors:
        raise RuleViolation(errors)
    assert named is not None
    known = request.official
    if known is not None and named.id == known.id and not named.email:
        named = replace(named, email=known.email)  # e.g. from the official's token, earlier
    request.official = named
    request.return_reason = None
    return request._move("submit", role)


def remember_email(request: PurchaseRequest, role: str, user_id: str, email: str | None) -> bool:
    """Keep the e-mail of the PPK or addressed official who acts on the request (their
    token's email claim), for the e-mails of their later turns; True when it changed."""
    if not email:
        return False
    if role == PPK and user_id == request.ppk_id and email != request.ppk_email:
        request.ppk_email = email
        return True
    official = request.official
    addressed = role == OFFICIAL and official is not None and official.id == user_id
    if addressed and official is not None and email != official.email:
        request.official = replace(official, email=email)
        return True
    return False


def accept(request: PurchaseRequest, role: str = OFFICIAL) -> Change:
    """The official receives the request (step 4)."""
    return request._move("accept", role)


def return_to_ppk(request: PurchaseRequest, reason: str, role: str = OFFICIAL) -> Change:
    """The official sends the request back to the PPK as a draft, with a reason (step 4)."""
    if not reason.strip():
        raise RuleViolation.one(
            "reason",
            "say why the request is returned",
            "sebutkan alasan permintaan dikembalikan",
        )
    change = request._move("return", role, reason)
    request.return_reason = reason
    return change


def start_competition(request: PurchaseRequest, role: str = OFFICIAL) -> Change:
    """A competition of this request starts (step 6): only one runs at a time."""
    return request._move("start_competition", role)


def reopen(request: PurchaseRequest, reason: str, cancelled: bool = False) -> Change:
    """Back to ``accepted`` after a failed competition (11) or a cancelled package (20)."""
    return request._move("reopen_after_cancellation" if cancelled else "reopen", SYSTEM, reason)


def fulfil(request: PurchaseRequest, reason: str) -> Change | None:
    """The request's package was completed (27): ``fulfilled``, its final state. None when it
    already is (a redelivered completion); ActionNotAllowed from any state but in_competition."""
    if request.state == FULFILLED:
        return None
    return request._move("fulfil", SYSTEM, reason)
