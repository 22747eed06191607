"""What the use cases need from storage: the fulfilments' repository, in the unit of work.

The SQL implementation is in ``adapters/``, the in-memory one in the unit tests' fakes.
Read methods return rows as mappings of the fulfilment's columns (the read model).
"""

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any, Protocol
from uuid import UUID

from delivery.application.letters import LetterRenderer
from delivery.domain.fulfilment import Fulfilment
from delivery.domain.shipping import ShippingEntry
from epurchasing_shared.kernel.unit_of_work import Caller, UnitOfWork
from epurchasing_shared.letters import LetterheadSettings
from epurchasing_shared.mail import MailOutbox, MailRules
from epurchasing_shared.principal import Principal

Row = Mapping[str, Any]


class FulfilmentRepository(Protocol):
    async def get_for_update(self, procurement_id: UUID) -> Fulfilment | None:
        """The fulfilment, locked until the end of the unit of work (changes are serialised)."""

    async def get(self, procurement_id: UUID) -> Fulfilment | None:
        """The fulfilment as it is, without a lock (for what only reads it)."""

    async def add(self, fulfilment: Fulfilment) -> None: ...

    async def save(self, fulfilment: Fulfilment) -> None: ...

    async def add_shipment_entry(
        self, procurement_id: UUID, entry_no: int, entry: ShippingEntry, **record: Any
    ) -> None:
        """Append one shipping-history row (``record``: document, recorded_by, recorded_at)."""

    async def add_payment(self, **values: Any) -> None:
        """Append one payment row (the columns of the ``payments`` table)."""

    async def add_receipt_of_goods(self, **values: Any) -> None:
        """Keep the BAP or BAST row (the columns of the ``receipts_of_goods`` table)."""

    async def find_visible(self, principal: Principal, procurement_id: UUID) -> Row | None:
        """The fulfilment's row if the caller may see it (their work unit's, their vendor's,
        or any for auditors and admins)."""

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
        """One page of the rows the caller may see, by (created_at, procurement_id), each
        with its open turn as ``turn`` (a ``Turn`` or None). ``overdue``: only those whose open
        turn is past due at ``now`` (True), or not (False: on time or no open turn);
        ``mine``: only those whose open turn is the caller's (``domain.fulfilment.holds_turn``:
        a vendor's by its vendor id, a PPK's by work unit and user id; none for others)."""

    async def detail_visible(self, principal: Principal, procurement_id: UUID) -> Row | None:
        """What ``find_visible`` gives, with its open turn as ``turn`` (a ``Turn`` or None,
        as committed: for a read, not after a change in the same unit of work) and what
        ``details`` gives (``shipments``, ``payments``, ``receipts``): a detail in one read."""

    async def save_and_read(self, fulfilment: Fulfilment) -> Row:
        """``save``, and the saved fulfilment's row with what ``details`` gives, this unit of
        work's rows included (a step's answer, with ``uow.open_turn`` for its turn)."""

    async def details(self, procurement_id: UUID) -> dict[str, list[Row]]:
        """The ``shipments``, ``payments`` and ``receipts`` (BAP/BAST) rows, in order."""


class DeliveryUnitOfWork(UnitOfWork):
    """The unit of work of delivery's use cases: the kernel's, with the fulfilments and the
    mail outbox."""

    fulfilments: FulfilmentRepository
    # The "your turn" e-mails and reminders (application/notifications.py), and what they
    # take from the settings (link, sender, switches).
    mail_outbox: MailOutbox
    mail: MailRules = MailRules()
    # The generated BAP and BAST (application/letters.py): the renderer, the letterhead, and
    # the zone in which a letter is dated (the SOP's local time).
    letters: LetterRenderer
    letterhead: LetterheadSettings = LetterheadSettings()
    zone: tzinfo | None = None


UnitOfWorkFactory = Callable[[Caller], DeliveryUnitOfWork]
