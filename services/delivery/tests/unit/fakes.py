"""Delivery's in-memory unit of work for the use cases' unit tests (no broker, no database).

The fake repository keeps COPIES of fulfilments, so a rolled-back change never leaks; its
read rows carry the same columns as the ``fulfilments`` table.
"""

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from delivery_factories import NOW

from delivery.adapters.letters_pdf import PdfLetters
from delivery.application.ports import DeliveryUnitOfWork, Row
from delivery.domain.fulfilment import Fulfilment, holds_turn
from delivery.domain.shipping import ShippingEntry
from epurchasing_shared.clock import Clock, FixedClock
from epurchasing_shared.documents import Upload
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import Caller, IdempotencyKey
from epurchasing_shared.principal import Principal, Role
from epurchasing_shared.testing.unit_of_work import InMemoryUnitOfWork, MemoryStore

PDF = b"%PDF-1.4\n%%EOF\n"


def upload(name: str = "doc.pdf") -> Upload:
    return Upload(name, "application/pdf", PDF, hashlib.sha256(PDF).hexdigest())


def _row(fulfilment: Fulfilment, created_at: datetime, updated_at: datetime) -> Row:
    f = fulfilment
    return {
        "procurement_id": f.procurement_id,
        "package_id": f.package_id,
        "order_id": f.order_id,
        "order_number": f.order_number,
        "order_date": f.order_date,
        "order_version": f.order.version,
        "order_total": f.order.total,
        "shipping_cost": f.order.shipping_cost,
        "pagu": f.pagu,
        "lines": list(f.order.lines),
        "delivery_address": f.delivery_address,
        "delivery_deadline": f.order.delivery_deadline,
        "work_unit": f.work_unit,
        "ppk_id": f.ppk_id,
        "ppk_name": f.ppk_name,
        "vendor_id": f.vendor_id,
        "vendor_name": f.vendor_name,
        "vendor_email": f.vendor_email,
        "state": f.state.value,
        "version": f.version,
        "paid_total": f.paid_total,
        "delivered_at": f.delivered_at,
        "handed_over_at": f.handed_over_at,
        "created_at": created_at,
        "updated_at": updated_at,
    }


class MemoryFulfilments:
    def __init__(self, store: MemoryStore, clock: Clock) -> None:
        self.clock = clock
        self.store = store
        self.fulfilments = store.table("fulfilments")  # id -> (Fulfilment, created_at)
        self.shipments = store.table("shipment_entries")  # (id, entry_no) -> row
        self.payments = store.table("payments")  # (id, payment_no) -> row
        self.receipts = store.table("receipts_of_goods")  # (id, kind) -> row
        self.updated = store.table("updated_at")  # id -> datetime

    async def get_for_update(self, procurement_id: UUID) -> Fulfilment | None:
        found = self.fulfilments.get(procurement_id)
        return copy.deepcopy(found[0]) if found else None

    async def get(self, procurement_id: UUID) -> Fulfilment | None:
        return await self.get_for_update(procurement_id)

    async def add(self, fulfilment: Fulfilment) -> None:
        assert fulfilment.procurement_id not in self.fulfilments, "primary key"
        kept = copy.deepcopy(fulfilment)
        kept.changes = []
        self.fulfilments[fulfilment.procurement_id] = (kept, self.clock.now())
        self.updated[fulfilment.procurement_id] = self.clock.now()

    async def save(self, fulfilment: Fulfilment) -> None:
        _, created = self.fulfilments[fulfilment.procurement_id]
        kept = copy.deepcopy(fulfilment)
        kept.changes = []
        self.fulfilments[fulfilment.procurement_id] = (kept, created)
        self.updated[fulfilment.procurement_id] = self.clock.now()

    async def add_shipment_entry(
        self, procurement_id: UUID, entry_no: int, entry: ShippingEntry, **record: Any
    ) -> None:
        key = (procurement_id, entry_no)
        assert key not in self.shipments, "unique (procurement_id, entry_no)"
        self.shipments[key] = {
            "entry_no": entry_no,
            "status": entry.status.value,
            "courier": entry.courier,
            "tracking_number": entry.tracking_number,
            "happened_at": entry.happened_at,
            "note": entry.note,
            **record,
        }

    async def add_payment(self, **values: Any) -> None:
        key = (values["procurement_id"], values["payment_no"])
        assert key not in self.payments, "unique (procurement_id, payment_no)"
        self.payments[key] = values

    async def add_receipt_of_goods(self, **values: Any) -> None:
        key = (values["procurement_id"], values["kind"])
        assert key not in self.receipts, "unique (procurement_id, kind)"
        self.receipts[key] = values

    def _row(self, procurement_id: UUID) -> Row:
        fulfilment, created = self.fulfilments[procurement_id]
        return _row(fulfilment, created, self.updated[procurement_id])

    async def find_visible(self, principal: Principal, procurement_id: UUID) -> Row | None:
        found = self.fulfilments.get(procurement_id)
        if found is None or not found[0].is_visible_to(principal):
            return None
        return self._row(procurement_id)

    async def list_visible(
        self,
        principal: Principal,
        *,
        state: str | None,
        after: tuple[datetime, UUID] | None,
        limit: int,
        overdue: bool | None = None,
        mine: bool = False,
        now: datetime | None = None,
    ) -> list[Row]:
        rows = sorted(
            (
                {**self._row(pid), "turn": self._open_turn(pid)}
                for pid, (f, _) in self.fulfilments.items()
                if f.is_visible_to(principal)
            ),
            key=lambda r: (r["created_at"], r["procurement_id"]),
        )
        rows = [r for r in rows if state is None or r["state"] == state]
        if overdue is not None:
            assert now is not None
            rows = [r for r in rows if bool(r["turn"] and r["turn"].overdue(now)) is overdue]
        if mine:
            rows = [r for r in rows if holds_turn(principal, r["turn"])]
        if after is not None:
            rows = [r for r in rows if (r["created_at"], r["procurement_id"]) > after]
        return rows[:limit]

    def _open_turn(self, procurement_id: UUID) -> Turn | None:
        found = [t for t in self.store.turns if t.aggregate_id == procurement_id and t.is_open]
        return found[0] if found else None

    async def detail_visible(self, principal: Principal, procurement_id: UUID) -> Row | None:
        row = await self.find_visible(principal, procurement_id)
        if row is None:
            return None
        more = await self.details(procurement_id)
        return {**row, "turn": self._open_turn(procurement_id), **more}

    async def save_and_read(self, fulfilment: Fulfilment) -> Row:
        await self.save(fulfilment)
        pid = fulfilment.procurement_id
        return {**self._row(pid), **(await self.details(pid))}

    async def details(self, procurement_id: UUID) -> dict[str, list[Row]]:
        def of(table: dict[Any, Any]) -> list[Row]:
            return [row for key, row in sorted(table.items()) if key[0] == procurement_id]

        receipts = sorted(of(self.receipts), key=lambda r: r["recorded_at"])
        return {
            "shipments": of(self.shipments),
            "payments": of(self.payments),
            "receipts": receipts,
        }


class FakeDeliveryUnitOfWork(InMemoryUnitOfWork, DeliveryUnitOfWork):
    letters = PdfLetters()

    def _open(self) -> None:
        self.fulfilments = MemoryFulfilments(self.store, self.clock)


@dataclass
class World:
    """One in-memory "database", its clock and the unit of work factory over them."""

    store: MemoryStore = field(default_factory=MemoryStore)
    clock: FixedClock = field(default_factory=lambda: FixedClock(NOW))

    def unit_of_work(self, caller: Caller) -> FakeDeliveryUnitOfWork:
        return FakeDeliveryUnitOfWork(
            self.store, service="delivery", clock=self.clock, caller=caller
        )

    @property
    def factory(self) -> Callable[[Caller], FakeDeliveryUnitOfWork]:
        return self.unit_of_work

    def seed(self, fulfilment: Fulfilment) -> Fulfilment:
        """Put a fulfilment in the store as if it had been committed."""
        kept = copy.deepcopy(fulfilment)
        kept.changes = []
        self.store.table("fulfilments")[fulfilment.procurement_id] = (kept, self.clock.now())
        self.store.table("updated_at")[fulfilment.procurement_id] = self.clock.now()
        return fulfilment

    def stored(self, procurement_id: UUID) -> Fulfilment:
        return self.store.table("fulfilments")[procurement_id][0]

    def nothing_recorded(self) -> bool:
        return not self.store.events and not self.store.history and not self.store.documents


def vendor_of(fulfilment: Fulfilment) -> Principal:
    return Principal(
        sub="vendor-user-1", role=Role.VENDOR, name="Sari", vendor_id=fulfilment.vendor_id
    )


def ppk_of(fulfilment: Fulfilment) -> Principal:
    return Principal(sub="ppk-1", role=Role.PPK, name="Budi", work_unit=fulfilment.work_unit)


def asking(
    principal: Principal, if_match: int | None = None, key: str | None = None, path: str = "/x"
) -> ActionRequest:
    return ActionRequest(
        caller=Caller(principal, causation_id="request:test"),
        if_match=if_match,
        idempotency=IdempotencyKey(key, f"POST {path}") if key else None,
    )
