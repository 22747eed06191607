"""The ordering unit of work in memory: repositories on the MemoryStore's tables, keeping
COPIES of aggregates so a rolled-back change never leaks."""

import copy
from datetime import date
from uuid import UUID, uuid4

from epurchasing_shared.clock import FixedClock
from epurchasing_shared.contracts.common import OrderLine, Party, VendorRef
from epurchasing_shared.contracts.competition import PackageGenerated
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.mail import QueuedEmail
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.testing.unit_of_work import (
    InMemoryUnitOfWork,
    MemoryMailOutbox,
    MemoryStore,
)
from ordering.adapters.letters_pdf import PdfLetters
from ordering.application.ports import OrderingRules, OrderingUnitOfWork, ShownPackage
from ordering.domain.package import Package

WORK_UNIT = "dinkes"
VENDOR_ID = UUID("0b5d2c7e-3f0e-4c1a-9d55-1f1f8a1c2b3d")
RULES = OrderingRules(public_base_url="https://e.example", mail_sender="x <no-reply@e.example>")


class MemoryPackages:
    def __init__(self, rows: dict, turns: list | None = None, emails: dict | None = None) -> None:
        self.rows = rows
        self.turns = turns if turns is not None else []
        self.emails = emails if emails is not None else {}

    def _open_turn(self, package_id: UUID):
        return next((t for t in self.turns if t.aggregate_id == package_id and t.is_open), None)

    def _mine(self, principal, turn) -> bool:
        if turn is None:
            return False
        if principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL):
            return (turn.actor_role, turn.actor_id, turn.work_unit) == (
                principal.role.value,
                principal.sub,
                principal.work_unit,
            )
        if principal.role is Role.VENDOR:
            return turn.actor_role == "vendor" and turn.actor_id == str(principal.vendor_id)
        return False

    async def get(self, package_id: UUID, *, for_update: bool = False) -> Package | None:
        return copy.deepcopy(self.rows.get(package_id))

    async def get_shown(self, package_id: UUID) -> ShownPackage | None:
        package = await self.get(package_id)
        if package is None:
            return None
        step_15 = [
            e
            for e in self.emails.values()
            if e.aggregate_id == package_id and e.kind == "package_processed"
        ]
        email = copy.deepcopy(step_15[0]) if step_15 else None
        return ShownPackage(package, self._open_turn(package_id), email)

    async def add_if_new(self, package: Package) -> bool:
        if package.id in self.rows:
            return False
        self.rows[package.id] = copy.deepcopy(package)
        return True

    async def save(self, package: Package) -> None:
        self.rows[package.id] = copy.deepcopy(package)

    async def list_visible(
        self, principal, *, procurement_id, state, limit, after, overdue=None, mine=False, now=None
    ) -> list[Package]:
        found = sorted(
            (
                p
                for p in self.rows.values()
                if p.visible_to(principal) and procurement_id in (None, p.procurement_id)
            ),
            key=lambda p: (p.created_at, p.id),
        )
        if mine:
            found = [p for p in found if self._mine(principal, self._open_turn(p.id))]
        if overdue is not None:
            turns = {p.id: self._open_turn(p.id) for p in found}
            late = {i for i, t in turns.items() if t is not None and t.due_at < now}
            found = [p for p in found if (p.id in late) == overdue]
            if overdue:
                found = [p for p in found if turns[p.id] is not None]
        found = [p for p in found if state is None or p.state == state]
        if after:
            found = [p for p in found if (p.created_at, p.id) > after]
        return copy.deepcopy(found[:limit])


class MemoryOrderNumbers:
    """The counters on the store's autonomous tables: as the real ones' short transaction of
    their own, a rollback of the order's does not give a number back."""

    def __init__(self, rows: dict) -> None:
        self.rows = rows

    async def next_seq(self, work_unit: str, year: int) -> int:
        self.rows[(work_unit, year)] = self.rows.get((work_unit, year), 0) + 1
        return self.rows[(work_unit, year)]


class MemoryVendorEmails(MemoryMailOutbox):
    """The shared in-memory mail outbox, with step 15's e-mail one per package."""

    async def queue(self, email: QueuedEmail) -> bool:
        if email.kind == "package_processed" and await self.of_package(email.aggregate_id):
            return False
        return await super().queue(email)

    async def of_package(self, package_id: UUID, *, for_update: bool = False) -> QueuedEmail | None:
        for email in self.rows.values():
            if email.aggregate_id == package_id and email.kind == "package_processed":
                return copy.deepcopy(email)
        return None


class MemoryOrderingUnitOfWork(InMemoryUnitOfWork, OrderingUnitOfWork):
    rules = RULES
    letters = PdfLetters()

    def _open(self) -> None:
        self.packages = MemoryPackages(
            self.store.table("packages"), self.store.turns, self.store.table("vendor_emails")
        )
        self.order_numbers = MemoryOrderNumbers(
            self.store.autonomous_table("order_number_counters")
        )
        self.vendor_emails = MemoryVendorEmails(self.store.table("vendor_emails"))


class World:
    """One in-memory "database" and the callers who act on it."""

    def __init__(self) -> None:
        self.store = MemoryStore()
        self.clock = FixedClock()

    def unit_of_work(self, caller: Caller) -> MemoryOrderingUnitOfWork:
        return MemoryOrderingUnitOfWork(
            self.store, service="ordering", clock=self.clock, caller=caller
        )

    def package(self, package_id: UUID) -> Package:
        return self.store.table("packages")[package_id]

    def put(self, package: Package) -> None:
        self.store.table("packages")[package.id] = copy.deepcopy(package)


def principal(role: Role, **kw) -> Principal:
    defaults = {
        Role.PROCUREMENT_OFFICIAL: dict(sub="official-1", work_unit=WORK_UNIT),
        Role.PPK: dict(sub="ppk-1", work_unit=WORK_UNIT),
        Role.VENDOR: dict(sub="vendor-user", vendor_id=VENDOR_ID),
    }.get(role, dict(sub=f"{role.value}-1"))
    return Principal(role=role, name=role.value, **(defaults | kw))


def asking(role: Role, if_match: int | None = None, **kw) -> ActionRequest:
    return ActionRequest(Caller(principal(role, **kw), "request-1"), if_match=if_match)


OFFICIAL, VENDOR, PPK = Role.PROCUREMENT_OFFICIAL, Role.VENDOR, Role.PPK


def generated(package_id: UUID | None = None, lines: bool = True) -> PackageGenerated:
    """competition.package_generated.v1 of two lines: 10 laptops and 2 printers."""
    order_lines = [
        OrderLine(
            line_no=1,
            description="Laptop",
            quantity=10,
            unit="unit",
            unit_price=10_000_000,
            line_total=100_000_000,
        ),
        OrderLine(
            line_no=2,
            description="Printer",
            quantity=2,
            unit="unit",
            unit_price=3_000_000,
            line_total=6_000_000,
        ),
    ]
    return PackageGenerated(
        package_id=package_id or uuid4(),
        purchase_request_id=uuid4(),
        competition_id=uuid4(),
        offer_id=uuid4(),
        title="Pengadaan laptop",
        rup_code="RUP-1",
        fiscal_year=2026,
        work_unit=WORK_UNIT,
        ppk=Party(id="ppk-1", name="Budi"),
        official=Party(id="official-1", name="Sari"),
        vendor=VendorRef(id=VENDOR_ID, name="PT Sumber", email="sales@sumber.example"),
        lines=order_lines if lines else [],
        shipping_cost=500_000,
        subtotal=106_000_000,
        total=106_500_000,
        pagu=130_000_000,
        delivery_address="Jl. Merdeka 1",
        delivery_deadline=date(2026, 3, 1),
    )
