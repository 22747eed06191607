"""The retention purge: published outbox rows, inbox rows and idempotency keys past retention
go; unpublished outbox rows and everything younger stay."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from sqlalchemy import delete, func, insert, select

from epurchasing_shared.retention import purge_spine

from .conftest import SpineDb


async def test_purge_deletes_only_what_is_past_retention(spine_db: SpineDb):
    spine = spine_db.spine
    now = datetime.now(UTC)
    old, young = now - timedelta(days=40), now - timedelta(days=1)
    tag = f"retention-{uuid4()}"

    def outbox_row(created: datetime, published: datetime | None) -> dict:
        return {
            "event_id": uuid4(),
            "event_type": tag,
            "envelope": {},
            "created_at": created,
            "published_at": published,
        }

    async with spine_db.sessions() as session, session.begin():
        await session.execute(
            insert(spine.outbox),
            [
                outbox_row(old, old),  # published long ago: goes
                outbox_row(old, old),  # (two, to cross a batch of 1)
                outbox_row(old, None),  # never published: stays, however old
                outbox_row(young, young),  # published recently: stays
            ],
        )
        await session.execute(
            insert(spine.inbox),
            [
                {"consumer": tag, "event_id": uuid4(), "event_type": tag, "received_at": at}
                for at in (old, old, young)
            ],
        )
        await session.execute(
            insert(spine.idempotency_keys),
            [
                {
                    "principal": tag,
                    "key": str(uuid4()),
                    "request": "POST /x",
                    "status_code": 201,
                    "body": {},
                    "created_at": at,
                }
                for at in (old, young)
            ],
        )

    deleted = await purge_spine(
        spine_db.sessions, spine, now, retention=timedelta(days=30), batch=1
    )

    assert deleted["outbox"] >= 2 and deleted["inbox"] >= 2 and deleted["idempotency_keys"] >= 1
    async with spine_db.sessions() as session, session.begin():
        left_outbox = (
            await session.execute(
                select(spine.outbox.c.published_at).where(spine.outbox.c.event_type == tag)
            )
        ).scalars()
        assert sorted(left_outbox, key=lambda v: v is None) == [young, None]
        inbox = await session.scalar(select(func.count()).where(spine.inbox.c.consumer == tag))
        keys = await session.scalar(
            select(func.count()).where(spine.idempotency_keys.c.principal == tag)
        )
        assert (inbox, keys) == (1, 1)
        # leave the shared table as found (the old unpublished row would be relayed)
        await session.execute(delete(spine.outbox).where(spine.outbox.c.event_type == tag))
