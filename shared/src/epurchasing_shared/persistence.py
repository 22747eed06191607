"""The SQL side of the unit of work: one AsyncConnection transaction on the service's database.

The outbox, history, documents and idempotency tables are the spine's (:mod:`.spine`); each
service subclasses :class:`SqlUnitOfWork` to open its own repositories on ``self.session``.
"""

from collections.abc import Callable, Iterable
from datetime import datetime
from functools import cache
from typing import Any, Self
from uuid import UUID, uuid4

from sqlalchemy import Row, String, Table, Uuid, any_, bindparam, insert, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from epurchasing_shared.calendar import WorkingCalendar
from epurchasing_shared.clock import Clock
from epurchasing_shared.contracts.envelope import CloudEvent
from epurchasing_shared.db import READ_ONLY_REQUEST, Sessions
from epurchasing_shared.direct import (
    Direct,
    begin,
    commit,
    driver,
    execute,
    fetch,
    fetchrow,
    roll_back,
)
from epurchasing_shared.documents import DocumentRef, DocumentStore, Upload
from epurchasing_shared.kernel.errors import NotFound, RuleViolation
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.kernel.unit_of_work import (
    Caller,
    HistoryRecord,
    IdempotencyKey,
    Outcome,
    UnitOfWork,
)
from epurchasing_shared.messaging.inbox import first_delivery
from epurchasing_shared.messaging.outbox import outbox_row
from epurchasing_shared.spine import SpineTables
from epurchasing_shared.spine_writes import CloseTurn, PendingSpine, flush
from epurchasing_shared.turns import open_turn_of, open_turns_of, turns_of_procurement


class SqlUnitOfWork(UnitOfWork):
    """A unit of work on PostgreSQL; subclasses open their repositories in :meth:`_open`."""

    session: AsyncConnection

    def __init__(
        self,
        *,
        service: str,
        clock: Clock,
        caller: Caller,
        sessions: Sessions,
        spine: SpineTables,
        store: DocumentStore,
        calendar: WorkingCalendar | None = None,
    ) -> None:
        super().__init__(service=service, clock=clock, caller=caller, calendar=calendar)
        self._sessions = sessions
        self.spine = spine
        self.store = store

    @classmethod
    def factory(cls, runtime: Any, service: str) -> Callable[[Caller], Self]:
        """``caller -> unit of work`` on a service's runtime (its sessions, spine, clock)."""

        def make(caller: Caller) -> "SqlUnitOfWork":
            return cls(
                service=service,
                clock=runtime.clock,
                caller=caller,
                sessions=runtime.sessions,
                spine=runtime.spine,
                store=runtime.documents,
                calendar=getattr(runtime, "calendar", None),
            )

        return make  # type: ignore[return-value]

    async def _open(self) -> None:
        """Open the service's repositories on ``self.session`` (a hook for subclasses)."""

    async def _begin(self) -> None:
        self.session = await self._sessions().start()
        # The history, turn and outbox writes not sent yet, and the chain heads this
        # transaction locked (spine_writes: sent at commit in two statements).
        self._pending = PendingSpine()
        self._heads: dict[UUID, tuple[str | None, int]] = {}
        self._reading = READ_ONLY_REQUEST.get()
        # The transaction is the driver connection's own, begun and committed here, and
        # SQLAlchemy runs its statements in autocommit mode inside it: the hot statements go
        # to the driver directly (direct.py), and both kinds must share one transaction. A
        # GET or HEAD has none: no BEGIN and COMMIT (db.READ_ONLY_REQUEST).
        try:
            if self._reading:
                await self.session.execution_options(isolation_level="AUTOCOMMIT")
                self.driver = driver(self.session)
            else:
                self.driver = await begin(self.session)
            await self._open()
        except BaseException:
            await self._release(failed=True)
            raise

    async def flush(self) -> None:
        """Send the pending history, turn and outbox writes now (commit does it anyway)."""
        await flush(self.session, self.spine, self._pending, self._heads)

    async def _commit(self) -> None:
        try:
            if self._reading and self._pending:
                raise RuntimeError("a read-only (GET or HEAD) request recorded a change")
            await self.flush()
            if not self._reading:
                await commit(self.driver)
        except BaseException:
            await self._release(failed=True)
            raise
        await self._release(failed=False)

    async def _rollback(self) -> None:
        await self._release(failed=True)

    async def _release(self, *, failed: bool) -> None:
        """Give the connection back to the pool, never inside a transaction (direct.roll_back:
        after a failure the transaction is rolled back, a BEGIN cancelled in flight included,
        and a connection that cannot even do that is dropped from the pool)."""
        try:
            if failed:
                await roll_back(self.session, begun=not self._reading)
            elif driver(self.session).is_in_transaction():  # never expected: do not reuse it
                await self.session.invalidate()
        finally:
            await self.session.close()

    # History, turns and events wait for commit (or a read of the turns): spine_writes.
    async def _add_event(self, event: CloudEvent) -> None:
        self._pending.events.append(outbox_row(event))

    async def _add_history(self, record: HistoryRecord) -> None:
        self._pending.entries.append(record)

    async def _open_turn(self, turn: Turn) -> None:
        self._pending.turns.append(turn)

    async def _close_turn(self, aggregate_id: UUID, *, at: datetime, by: str, action: str) -> None:
        self._pending.turns.append(CloseTurn(aggregate_id, at=at, by=by, action=action))

    async def open_turn(self, aggregate_id: UUID) -> Turn | None:
        known, turn = self._pending.open_turn(aggregate_id)
        if known:  # this transaction ended or opened it: no need to ask the table
            return turn
        return await open_turn_of(self.session, self.spine.turns, aggregate_id)

    async def open_turns(self, aggregate_ids: Iterable[UUID]) -> dict[UUID, Turn]:
        await self.flush()
        return await open_turns_of(self.session, self.spine.turns, aggregate_ids)

    async def turns_of(self, procurement_id: UUID) -> list[Turn]:
        await self.flush()
        return await turns_of_procurement(self.session, self.spine.turns, procurement_id)

    async def first_delivery(self, consumer: str, event: CloudEvent) -> bool:
        return await first_delivery(self.session, self.spine.inbox, consumer, event, self.now())

    async def save_document(
        self,
        upload: Upload,
        *,
        kind: str,
        owner_kind: str,
        owner_id: UUID,
        procurement_id: UUID | None,
    ) -> DocumentRef:
        uploader = self.caller.principal.sub if self.caller.principal else "system"
        return await save_document(
            self.session,
            self.spine.documents,
            self.store,
            upload,
            kind=kind,
            owner_kind=owner_kind,
            owner_id=owner_id,
            procurement_id=procurement_id,
            uploaded_by=uploader,
            at=self.now(),
        )

    async def documents_of(self, owner_id: UUID) -> list[DocumentRef]:
        return await list_documents(self.session, self.spine.documents, owner_id)

    async def documents_of_many(self, owner_ids: Iterable[UUID]) -> dict[UUID, list[DocumentRef]]:
        return await documents_of_owners(self.session, self.spine.documents, owner_ids)

    async def replay(self, key: IdempotencyKey | None) -> Outcome | None:
        if key is None or self.caller.principal is None:
            return None
        row = await fetchrow(
            self.session,
            _replay(self.spine.idempotency_keys),
            {"principal": self.caller.principal.sub, "key": key.key},
        )
        if row is None:
            return None
        if row["request"] != key.request:
            raise RuleViolation.one(
                "Idempotency-Key", f"Idempotency-Key {key.key!r} was used for {row['request']}"
            )
        stored = row["body"]
        return Outcome(
            body=stored.get("body"),
            created=row["status_code"] == 201,
            location=stored.get("location"),
            replayed=True,
        )

    async def remember(self, key: IdempotencyKey | None, outcome: Outcome) -> None:
        if key is None or self.caller.principal is None:
            return
        # A concurrent twin with the same key fails on the primary key and rolls back whole.
        await execute(
            self.session,
            _remember(self.spine.idempotency_keys),
            {
                "principal": self.caller.principal.sub,
                "key": key.key,
                "request": key.request,
                "status_code": outcome.status,
                "body": {"body": outcome.body, "location": outcome.location},
                "created_at": self.now(),
            },
        )


# The idempotency keys' statements, built once per table and sent to the driver directly.
@cache
def _replay(table: Table) -> Direct:
    return Direct(
        select(table.c.request, table.c.status_code, table.c.body).where(
            table.c.principal == bindparam("principal", type_=String),
            table.c.key == bindparam("key", type_=String),
        )
    )


@cache
def _remember(table: Table) -> Direct:
    return Direct(insert(table))


async def save_document(
    session: AsyncConnection,
    table: Table,
    store: DocumentStore,
    upload: Upload,
    *,
    kind: str,
    owner_kind: str,
    owner_id: UUID,
    procurement_id: UUID | None,
    uploaded_by: str,
    at: Any,
) -> DocumentRef:
    """Store the file (on disk for good before the transaction commits) and record it in this
    service's documents table (same transaction)."""
    await store.keep(upload)
    ref = DocumentRef(
        id=uuid4(),
        kind=kind,
        filename=upload.filename,
        media_type=upload.media_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=uploaded_by,
        uploaded_at=at,
    )
    await execute(
        session,
        _insert_document(table),
        {
            "id": ref.id,
            "procurement_id": procurement_id,
            "owner_kind": owner_kind,
            "owner_id": owner_id,
            "kind": kind,
            "filename": ref.filename,
            "media_type": ref.media_type,
            "size": ref.size,
            "sha256": ref.sha256,
            "uploaded_by": ref.uploaded_by,
            "uploaded_at": at,
        },
    )
    return ref


# Built once per table and sent to the driver directly (direct.py): every upload and every
# read of a resource with documents runs one of them.
@cache
def _insert_document(table: Table) -> Direct:
    return Direct(insert(table))


@cache
def _documents_of_owners(table: Table) -> Direct:
    return Direct(
        select(table)
        .where(table.c.owner_id == any_(bindparam("owner_ids", type_=ARRAY(Uuid))))
        .order_by(table.c.uploaded_at, literal_column(f"{table.name}.ctid"))
    )


def _ref(r: Any) -> DocumentRef:
    return DocumentRef(
        id=r["id"],
        kind=r["kind"],
        filename=r["filename"],
        media_type=r["media_type"],
        size=r["size"],
        sha256=r["sha256"],
        uploaded_by=r["uploaded_by"],
        uploaded_at=r["uploaded_at"],
    )


async def list_documents(
    session: AsyncConnection, table: Table, owner_id: UUID
) -> list[DocumentRef]:
    """The documents of one owner, oldest first (the query of :func:`documents_of_owners`)."""
    return (await documents_of_owners(session, table, [owner_id]))[owner_id]


async def documents_of_owners(
    session: AsyncConnection, table: Table, owner_ids: Iterable[UUID]
) -> dict[UUID, list[DocumentRef]]:
    """The documents of many owners in one query (index on ``owner_id``), each owner's oldest
    first; every owner asked for is a key. Documents uploaded at the same instant keep the
    order they were stored in: the table is insert-only (a row is never updated), so its
    ``ctid`` is that order; a one-owner and a many-owner read thus agree."""
    wanted = list(dict.fromkeys(owner_ids))
    found: dict[UUID, list[DocumentRef]] = {owner: [] for owner in wanted}
    if not wanted:
        return found
    for row in await fetch(session, _documents_of_owners(table), {"owner_ids": wanted}):
        found[row["owner_id"]].append(_ref(row))
    return found


async def load_document_row(session: AsyncConnection, table: Table, document_id: UUID) -> Any:
    """The documents row (with ``owner_kind``, ``owner_id``); NotFound when there is none."""
    row = (await session.execute(select(table).where(table.c.id == document_id))).mappings().first()
    if row is None:
        raise NotFound(f"document {document_id} not found")
    return row


__all__ = [
    "Row",
    "SqlUnitOfWork",
    "documents_of_owners",
    "list_documents",
    "load_document_row",
    "save_document",
]
