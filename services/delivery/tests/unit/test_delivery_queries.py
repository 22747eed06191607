"""The read use cases: who sees which fulfilment, pages, and documents."""

from uuid import UUID, uuid4

import pytest
from delivery_factories import fulfilment
from fakes import World, asking, ppk_of, upload, vendor_of

from delivery.application import ppk_steps, queries
from delivery.domain.states import FulfilmentState
from epurchasing_shared.kernel.errors import NotFound, RuleViolation
from epurchasing_shared.pages import PageParams, decode_cursor
from epurchasing_shared.principal import Principal, Role

AUDITOR = Principal(sub="aud-1", role=Role.AUDITOR, name="Ani")


class TestGetFulfilment:
    async def test_its_parties_and_readers_see_it_with_their_own_actions(self):
        world = World()
        made = world.seed(fulfilment(FulfilmentState.READY_FOR_PREPARATION))
        pid = made.procurement_id
        seen = {
            who.role: await queries.get_fulfilment(world.factory, who, pid)
            for who in (vendor_of(made), ppk_of(made), AUDITOR)
        }
        assert seen[Role.VENDOR].allowed_actions == ["start_preparation"]
        assert seen[Role.PPK].allowed_actions == seen[Role.AUDITOR].allowed_actions == []
        assert seen[Role.AUDITOR].order.total == made.order.total
        assert seen[Role.AUDITOR].shipments == [] and seen[Role.AUDITOR].bap is None

    async def test_others_get_not_found(self):
        world = World()
        made = world.seed(fulfilment())
        stranger = Principal(sub="p2", role=Role.PPK, name="X", work_unit="dinas-pu")
        with pytest.raises(NotFound):
            await queries.get_fulfilment(world.factory, stranger, made.procurement_id)


class TestListFulfilments:
    async def test_pages_by_cursor_and_filters_by_state(self):
        world = World()
        made = [world.seed(fulfilment()) for _ in range(3)]
        ppk = ppk_of(made[0])
        first = await queries.list_fulfilments(world.factory, ppk, PageParams(limit=2), None)
        assert len(first.items) == 2 and first.next_cursor
        rest = await queries.list_fulfilments(
            world.factory, ppk, PageParams(2, decode_cursor(first.next_cursor)), None
        )
        assert len(rest.items) == 1 and rest.next_cursor is None
        seen = {i.procurement_id for i in first.items + rest.items}
        assert seen == {m.procurement_id for m in made}
        paid = await queries.list_fulfilments(
            world.factory, ppk, PageParams(10), FulfilmentState.PAID
        )
        assert paid.items == []

    async def test_a_vendor_sees_only_its_own(self):
        world = World()
        mine, _ = world.seed(fulfilment()), world.seed(fulfilment())
        page = await queries.list_fulfilments(world.factory, vendor_of(mine), PageParams(10), None)
        assert [i.procurement_id for i in page.items] == [mine.procurement_id]

    async def test_a_cursor_not_given_out_is_a_rule_violation(self):
        with pytest.raises(RuleViolation):
            await queries.list_fulfilments(
                World().factory, AUDITOR, PageParams(10, ["not a time", "x"]), None
            )


class TestFindDocument:
    async def test_a_document_of_a_visible_fulfilment_is_found(self):
        world = World()
        made = world.seed(fulfilment(FulfilmentState.DELIVERED))
        outcome = await ppk_steps.inspect_goods(
            world.factory, asking(ppk_of(made)), made.procurement_id, upload("bap.pdf"), None
        )
        document_id = UUID(outcome.body["bap"]["document"]["id"])
        found = await queries.find_document(
            world.factory, AUDITOR, made.procurement_id, document_id
        )
        assert (found.kind, found.filename) == ("bap", "bap.pdf")

    async def test_others_documents_and_unknown_ones_are_not_found(self):
        world = World()
        made = world.seed(fulfilment())
        stranger = Principal(sub="v2", role=Role.VENDOR, name="X", vendor_id=uuid4())
        with pytest.raises(NotFound):
            await queries.find_document(world.factory, stranger, made.procurement_id, uuid4())
        with pytest.raises(NotFound):
            await queries.find_document(world.factory, AUDITOR, made.procurement_id, uuid4())
