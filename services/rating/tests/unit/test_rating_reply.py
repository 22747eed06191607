"""Use case: the rated vendor's one reply (ours), in memory."""

from uuid import uuid4

import pytest

from epurchasing_shared.kernel.errors import (
    ActionNotAllowed,
    NotFound,
    RoleNotAllowed,
    RuleViolation,
    StaleVersion,
)
from rating.application.reply import reply_to_rating
from rating.domain.rating import RATED, REPLIED
from rating.settings import RatingSettings

from .fakes import (
    START,
    asking,
    close_turn,
    package,
    ppk,
    seed_rating,
    snapshot,
    unit_of_work,
    vendor,
)

SCORES = {"quality_quantity": 3, "cost": 2, "timeliness": 3, "service": 2}


def seed_rated(store, vendor_id):
    rating = seed_rating(store, package(vendor_id))
    rating.rate(RatingSettings().rating_scheme(), SCORES, "baik", START)
    store.table("ratings")[rating.id] = rating
    close_turn(store, rating.id, START)
    return rating


async def reply(store, clock, request, rating_id, text="Terima kasih"):
    return await reply_to_rating(unit_of_work(store, clock), request, rating_id, text)


class TestReplyToRating:
    async def test_the_rated_vendor_replies_once_into_the_history(self, store, clock):
        vendor_id = uuid4()
        rated = seed_rated(store, vendor_id)
        outcome = await reply(store, clock, asking(vendor(vendor_id)), rated.id)
        assert (outcome.status, outcome.body["state"], outcome.body["reply"]) == (
            200,
            REPLIED,
            "Terima kasih",
        )
        assert (outcome.body["version"], outcome.body["allowed_actions"]) == (3, [])
        saved = store.table("ratings")[rated.id]
        assert (saved.state, saved.replied_by, saved.replied_at) == (
            REPLIED,
            vendor(vendor_id).sub,
            START,
        )
        [entry] = store.history
        assert (entry.action, entry.from_state, entry.to_state, entry.sop_step) == (
            "reply",
            RATED,
            REPLIED,
            "27",
        )
        assert (entry.reason, entry.actor.role) == ("Terima kasih", "vendor")
        assert store.events == []  # a reply publishes nothing

    async def test_refuses_a_caller_who_is_not_a_vendor(self, store, clock):
        rated = seed_rated(store, uuid4())
        before = snapshot(store)
        with pytest.raises(RoleNotAllowed):
            await reply(store, clock, asking(ppk()), rated.id)
        assert snapshot(store) == before

    async def test_hides_another_vendors_rating_an_unknown_one_and_a_pending_one(
        self, store, clock
    ):
        vendor_id = uuid4()
        rated = seed_rated(store, vendor_id)
        pending = seed_rating(store, package(vendor_id))
        before = snapshot(store)
        for who, rating_id in (
            (vendor(uuid4()), rated.id),
            (vendor(vendor_id), uuid4()),
            (vendor(vendor_id), pending.id),
        ):
            with pytest.raises(NotFound):
                await reply(store, clock, asking(who), rating_id)
        assert snapshot(store) == before

    async def test_refuses_a_second_reply(self, store, clock):
        vendor_id = uuid4()
        rated = seed_rated(store, vendor_id)
        await reply(store, clock, asking(vendor(vendor_id)), rated.id)
        before = snapshot(store)
        with pytest.raises(ActionNotAllowed) as refused:
            await reply(store, clock, asking(vendor(vendor_id)), rated.id, "lagi")
        assert refused.value.current_state == REPLIED
        assert snapshot(store) == before

    async def test_refuses_a_stale_if_match(self, store, clock):
        vendor_id = uuid4()
        rated = seed_rated(store, vendor_id)
        before = snapshot(store)
        with pytest.raises(StaleVersion):
            await reply(store, clock, asking(vendor(vendor_id), if_match=1), rated.id)
        assert snapshot(store) == before
        done = await reply(store, clock, asking(vendor(vendor_id), if_match=2), rated.id)
        assert done.body["state"] == REPLIED

    async def test_refuses_an_empty_reply(self, store, clock):
        vendor_id = uuid4()
        rated = seed_rated(store, vendor_id)
        before = snapshot(store)
        with pytest.raises(RuleViolation) as refused:
            await reply(store, clock, asking(vendor(vendor_id)), rated.id, "   ")
        assert refused.value.errors[0]["field"] == "text"
        assert snapshot(store) == before
