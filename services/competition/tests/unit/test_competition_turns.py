"""Turns (docs/time-standards.md) on the in-memory unit of work: each hand-off of steps 1–13
opens the next actor's turn with the table's step, actor and due time (the real Indonesian
calendar), the next action closes it, and the lists filter by overdue and "my work"."""

from datetime import UTC, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from competition.application import competitions, queries, results
from competition.application import purchase_requests as requests
from competition.application.auto_evaluation import evaluate_due_competitions
from competition.domain import competition as cp
from competition.domain import purchase_request as pr
from competition.domain.purchase_request import Official
from epurchasing_shared.contracts.ordering import PackageCancelled
from epurchasing_shared.kernel.errors import ActionNotAllowed
from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.messaging.consumer import Verdict, consume_one
from epurchasing_shared.principal import Principal

from .test_consumer_contracts import body, generated, spec
from .world import (
    ADMIN,
    NOW,
    OFFICIAL,
    OTHER_OFFICIAL,
    PDF,
    PPK,
    RULES,
    World,
    draft_data,
)

WIB = ZoneInfo("Asia/Jakarta")


def end_of(year: int, month: int, day: int) -> datetime:
    """The due instant of a turn ending on that (WIB) date."""
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=WIB)


def open_turn(world: World, aggregate_id: UUID) -> Turn | None:
    found = [t for t in world.store.turns if t.aggregate_id == aggregate_id and t.is_open]
    assert len(found) <= 1
    return found[0] if found else None


def turns_of(world: World, aggregate_id: UUID) -> list[Turn]:
    return [t for t in world.store.turns if t.aggregate_id == aggregate_id]


def shape(turn: Turn | None) -> tuple | None:
    if turn is None:
        return None
    return (turn.sop_step, turn.actor_role, turn.actor_id, turn.work_unit, turn.working_days)


class TestTheTable:
    """The time standards are the tables' rows: one place, read from the SOP's Waktu."""

    def test_the_purchase_request_rows(self):
        found = {
            action: (
                row.time_standard.actor,
                row.time_standard.step,
                row.time_standard.working_days,
            )
            for action, row in pr.PURCHASE_REQUEST_MACHINE.transitions.items()
            if row.time_standard is not None
        }
        assert found == {
            "draft": ("ppk", "3", 2),
            "return": ("ppk", "3", 2),
            "submit": ("procurement_official", "4", 1),
            "accept": ("procurement_official", "6", 3),
            "reopen": ("procurement_official", "6", 3),
            "reopen_after_cancellation": ("procurement_official", "6", 3),
        }

    def test_the_competition_rows(self):
        found = {
            action: (
                row.time_standard.actor,
                row.time_standard.step,
                row.time_standard.working_days,
            )
            for action, row in cp.COMPETITION_MACHINE.transitions.items()
            if row.time_standard is not None
        }
        assert found == {
            "create": ("procurement_official", "9", 2),
            "open": ("procurement_official", "11", 1),
            "evaluate": ("procurement_official", "12", 1),
            "publish": ("procurement_official", "13", 1),
        }

    def test_final_and_side_transitions_hand_nothing_over(self):
        for machine, actions in (
            (
                pr.PURCHASE_REQUEST_MACHINE,
                ("edit", "attach_document", "start_competition", "fulfil"),
            ),
            (cp.COMPETITION_MACHINE, ("edit", "generate_package", *cp.OFFER_ACTIONS)),
        ):
            assert all(machine[action].time_standard is None for action in actions)


class TestPurchaseRequestTurns:
    async def test_drafting_opens_the_ppks_turn_to_send_it(self, world: World):
        made = await requests.draft_request(world.uow, world.asks(PPK), _data(), RULES)
        request_id = UUID(made.body["id"])
        turn = open_turn(world, request_id)
        assert shape(turn) == ("3", "ppk", "ppk-1", "dinkes", 2)
        assert turn is not None and turn.procurement_id == request_id
        # Monday 2 March 2026, 09:00 WIB: 2 working days are Tuesday and Wednesday.
        assert turn.started_at == NOW and turn.due_at == end_of(2026, 3, 4)
        assert made.body["turn"] == {
            "sop_step": "3",
            "actor_role": "ppk",
            "actor_id": "ppk-1",
            "work_unit": "dinkes",
            "started_at": NOW.isoformat(),
            "due_at": end_of(2026, 3, 4).astimezone(UTC).isoformat(),  # as the table gives it
            "overdue": False,
        }

    async def test_edits_and_documents_leave_the_ppks_turn_alone(self, world: World):
        request_id = await world.drafted()
        first = open_turn(world, request_id)
        world.clock.advance(hours=2)
        await requests.edit_request(world.uow, world.asks(PPK), request_id, {"title": "x"}, RULES)
        await requests.attach_request_document(
            world.uow, world.asks(PPK), request_id, "nota_dinas", PDF
        )
        assert turns_of(world, request_id) == [first]

    async def test_submitting_hands_the_request_to_the_named_official_for_1_day(self, world):
        request_id = await world.drafted()
        await requests.attach_request_document(
            world.uow, world.asks(PPK), request_id, "nota_dinas", PDF
        )
        world.clock.advance(hours=3)
        official = Official(OFFICIAL.sub, OFFICIAL.name)
        done = await requests.submit_request(world.uow, world.asks(PPK), request_id, official)
        ppk_turn, official_turn = turns_of(world, request_id)
        assert ppk_turn.done_at == world.clock.now()
        assert (ppk_turn.done_by, ppk_turn.done_action) == ("ppk-1", "submit")
        assert not ppk_turn.overdue(world.clock.now())
        assert shape(official_turn) == ("4", "procurement_official", "official-1", "dinkes", 1)
        assert official_turn.due_at == end_of(2026, 3, 3)
        assert done.body["turn"]["actor_id"] == "official-1"

    async def test_a_return_gives_the_ppk_the_turn_to_revise_and_resend(self, world: World):
        request_id = await world.submitted()
        await requests.return_request(world.uow, world.asks(OFFICIAL), request_id, "unsigned")
        assert shape(open_turn(world, request_id)) == ("3", "ppk", "ppk-1", "dinkes", 2)
        assert turns_of(world, request_id)[-2].done_action == "return"
        await requests.submit_request(world.uow, world.asks(PPK), request_id, None)
        assert shape(open_turn(world, request_id))[:3] == (
            "4",
            "procurement_official",
            "official-1",
        )

    async def test_accepting_gives_the_official_3_days_to_create_the_competition(self, world):
        request_id = await world.accepted()
        turn = open_turn(world, request_id)
        assert shape(turn) == ("6", "procurement_official", "official-1", "dinkes", 3)
        assert turn is not None and turn.due_at == end_of(2026, 3, 5)

    async def test_a_hand_off_on_nyepi_is_due_after_idul_fitri_and_its_cuti_bersama(self, world):
        # Thursday 19 March 2026 (Nyepi); 20, 23, 24 March cuti bersama, 21-22 Idul Fitri.
        world.clock.set(datetime(2026, 3, 19, 3, 0, tzinfo=UTC))
        request_id = await world.submitted()
        assert open_turn(world, request_id).due_at == end_of(2026, 3, 25)
        await requests.accept_request(world.uow, world.asks(OFFICIAL), request_id)
        assert open_turn(world, request_id).due_at == end_of(2026, 3, 27)

    async def test_a_refusal_leaves_the_turns_as_they_were(self, world: World):
        request_id = await world.submitted()
        before = world.snapshot()
        with pytest.raises(ActionNotAllowed):
            await requests.submit_request(world.uow, world.asks(PPK), request_id, None)
        assert world.unchanged(before)

    async def test_the_resource_says_when_its_turn_is_overdue(self, world: World):
        request_id = await world.submitted()
        assert (await _get(world, request_id))["turn"]["overdue"] is False
        world.clock.set(datetime(2026, 3, 3, 16, 59, tzinfo=UTC))  # Tue 23:59 WIB: in time
        assert (await _get(world, request_id))["turn"]["overdue"] is False
        world.clock.set(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))  # Wed 00:00 WIB
        assert (await _get(world, request_id))["turn"]["overdue"] is True


class TestCompetitionTurns:
    async def test_creating_ends_the_requests_turn_and_opens_the_competitions(self, world):
        competition_id = await world.competition()
        (request_turn,) = [t for t in world.store.turns if t.aggregate == "purchase_request"][-1:]
        assert (request_turn.done_action, request_turn.sop_step) == ("start_competition", "6")
        assert open_turn(world, request_turn.aggregate_id) is None
        turn = open_turn(world, competition_id)
        assert shape(turn) == ("9", "procurement_official", "official-1", "dinkes", 2)
        assert turn is not None and turn.due_at == end_of(2026, 3, 4)
        assert turn.procurement_id == request_turn.aggregate_id

    async def test_the_competitions_turn_belongs_to_the_named_official(self, world: World):
        request_id = await world.accepted()
        # Another official of the work unit drafts it: the turn stays the addressed one's.
        made = await competitions.create_competition(
            world.uow, world.asks(OTHER_OFFICIAL), request_id, "specification", None, "laptop"
        )
        assert made.body["turn"]["actor_id"] == "official-1"

    async def test_editing_leaves_the_turn_alone(self, world: World):
        competition_id = await world.competition()
        first = open_turn(world, competition_id)
        await competitions.edit_competition(
            world.uow, world.asks(OFFICIAL), competition_id, {"pagu": 90_000_000}, RULES
        )
        assert turns_of(world, competition_id) == [first]

    async def test_opening_makes_evaluation_due_1_working_day_after_the_deadline(self, world):
        vendor, product = await world.vendor()
        competition_id = await world.opened()  # deadline: Wednesday 4 March, 09:00 WIB
        turn = open_turn(world, competition_id)
        assert shape(turn)[:3] == ("11", "procurement_official", "official-1")
        assert turn is not None and turn.due_at == end_of(2026, 3, 5)
        assert turn.working_days == 3  # Tuesday and Wednesday (offers), then 1 day
        await world.offered(vendor, product, competition_id)  # an offer leaves it alone
        assert open_turn(world, competition_id) == turn

    async def test_a_deadline_before_a_weekend_and_holidays_pushes_the_evaluation(self, world):
        world.clock.set(datetime(2026, 3, 16, 2, 0, tzinfo=UTC))  # Monday 16 March
        competition_id = await world.competition()
        deadline = datetime(2026, 3, 17, 16, 0, tzinfo=WIB)  # Tuesday, before the long break
        await competitions.open_competition(
            world.uow, world.asks(OFFICIAL), competition_id, deadline, RULES
        )
        assert open_turn(world, competition_id).due_at == end_of(2026, 3, 25)

    async def test_a_deadline_on_a_saturday_is_evaluated_by_monday(self, world: World):
        competition_id = await world.competition()
        deadline = datetime(2026, 3, 7, 10, 0, tzinfo=WIB)
        await competitions.open_competition(
            world.uow, world.asks(OFFICIAL), competition_id, deadline, RULES
        )
        assert open_turn(world, competition_id).due_at == end_of(2026, 3, 9)

    async def test_evaluation_publication_and_the_package_hand_over_and_then_end(self, world):
        vendor, product = await world.vendor()
        competition_id = await world.evaluated(vendor, product)  # Thursday 5 March
        turn = open_turn(world, competition_id)
        assert shape(turn) == ("12", "procurement_official", "official-1", "dinkes", 1)
        assert turn is not None and turn.due_at == end_of(2026, 3, 6)
        evaluation = turns_of(world, competition_id)[-2]
        assert evaluation.done_action == "evaluate" and not evaluation.overdue(NOW)
        world.clock.advance(days=1)  # Friday
        await results.publish_competition(world.uow, world.asks(OFFICIAL), competition_id)
        turn = open_turn(world, competition_id)
        assert shape(turn)[:2] == ("13", "procurement_official")
        assert turn is not None and turn.due_at == end_of(2026, 3, 9)  # over the weekend
        done = await results.generate_package(world.uow, world.asks(OFFICIAL), competition_id)
        assert done.body["turn"] is None and open_turn(world, competition_id) is None
        assert [t.sop_step for t in turns_of(world, competition_id)] == ["9", "11", "12", "13"]
        assert all(not t.is_open for t in world.store.turns)

    async def test_a_failed_competition_ends_at_publication_and_the_request_is_due_again(
        self, world: World
    ):
        competition_id = await world.opened()
        world.clock.advance(days=3)
        await results.evaluate_competition(world.uow, world.asks(OFFICIAL), competition_id, RULES)
        competition, _ = world.store.table("competitions")[competition_id]
        request_id = competition.purchase_request_id
        assert shape(open_turn(world, request_id)) == (
            "6",
            "procurement_official",
            "official-1",
            "dinkes",
            3,
        )
        assert shape(open_turn(world, competition_id))[0] == "12"
        published = await results.publish_competition(
            world.uow, world.asks(OFFICIAL), competition_id
        )
        assert published.body["turn"] is None and open_turn(world, competition_id) is None

    async def test_the_automatic_evaluation_closes_the_officials_turn(self, world: World):
        competition_id = await world.opened()
        world.clock.advance(days=2)
        assert await evaluate_due_competitions(world.uow, RULES) == [competition_id]
        evaluation = turns_of(world, competition_id)[1]
        assert (evaluation.done_action, evaluation.done_by) == ("evaluate", "competition")
        assert shape(open_turn(world, competition_id))[0] == "12"

    async def test_a_cancelled_package_gives_the_official_the_request_again(self, world):
        competition, _ = await generated(world)
        cancelled = PackageCancelled(
            package_id=competition["package_id"],
            purchase_request_id=competition["purchase_request_id"],
            competition_id=competition["id"],
            reason="wrong specification",
            cancelled_at=world.clock.now(),
        )
        message = body("ordering", cancelled, sop_step="20")
        assert await consume_one(spec(world, "on_package_cancelled"), message, 0, 5) == (
            Verdict.APPLIED
        )
        turn = open_turn(world, UUID(competition["purchase_request_id"]))
        assert shape(turn) == ("6", "procurement_official", "official-1", "dinkes", 3)
        assert turn is not None and turn.opened_by_action == "reopen_after_cancellation"


class TestMyWorkAndOverdueLists:
    async def test_a_ppk_and_an_official_each_list_their_own_work(self, world: World):
        drafted = await world.drafted()  # the PPK's turn
        world.clock.advance(minutes=1)
        submitted = await world.submitted()  # the official's turn
        world.clock.advance(minutes=1)
        accepted = await world.accepted()  # the official's turn

        async def ids(principal: Principal, **filters) -> list[str]:
            items, _ = await requests.list_requests(
                world.uow, world.asks(principal), 50, None, None, **filters
            )
            return [item["id"] for item in items]

        assert await ids(PPK, mine=True) == [str(drafted)]
        assert await ids(OFFICIAL, mine=True) == [str(submitted), str(accepted)]
        assert await ids(OTHER_OFFICIAL, mine=True) == []
        assert await ids(ADMIN, mine=True) == []
        assert len(await ids(PPK)) == 3

    async def test_overdue_true_and_false_split_the_list(self, world: World):
        drafted = await world.drafted()  # due Wednesday 4 March
        world.clock.set(datetime(2026, 3, 4, 2, 0, tzinfo=UTC))
        submitted = await world.submitted()  # due Thursday 5 March
        world.clock.set(datetime(2026, 3, 5, 2, 0, tzinfo=UTC))  # Thursday: the draft is late

        async def ids(principal: Principal, **filters) -> list[str]:
            items, _ = await requests.list_requests(
                world.uow, world.asks(principal), 50, None, None, **filters
            )
            return [item["id"] for item in items]

        assert await ids(PPK, overdue=True) == [str(drafted)]
        assert await ids(PPK, overdue=False) == [str(submitted)]
        assert await ids(PPK, overdue=True, mine=True) == [str(drafted)]
        assert await ids(OFFICIAL, overdue=True, mine=True) == []

    async def test_competitions_filter_by_the_officials_work_and_overdue(self, world: World):
        vendor, _ = await world.vendor()
        drafted = await world.competition()  # the official's turn: open it (9)
        world.clock.advance(minutes=1)
        opened = await world.opened()
        world.clock.set(datetime(2026, 3, 5, 2, 0, tzinfo=UTC))  # Thursday: the draft is late

        async def ids(principal: Principal, **filters) -> list[str]:
            items, _ = await queries.list_competitions(
                world.uow, world.asks(principal), 50, None, None, **filters
            )
            return [item["id"] for item in items]

        assert await ids(OFFICIAL, mine=True) == [str(opened), str(drafted)]
        assert await ids(OFFICIAL, overdue=True) == [str(drafted)]
        assert await ids(OFFICIAL, overdue=False) == [str(opened)]
        assert await ids(PPK, mine=True) == []
        # The offers of a vendor are no turn of its own (README): its "my work" here is empty.
        assert await ids(vendor, mine=True) == []
        assert await ids(vendor) == [str(opened)]

    async def test_my_work_pages_keep_their_order(self, world: World):
        made = []
        for _ in range(3):
            made.append(await world.submitted())
            world.clock.advance(minutes=1)
        page, last = await requests.list_requests(
            world.uow, world.asks(OFFICIAL), 2, None, None, mine=True
        )
        assert last is not None
        rest, more = await requests.list_requests(
            world.uow, world.asks(OFFICIAL), 2, last, None, mine=True
        )
        assert [i["id"] for i in page + rest] == [str(r) for r in made] and more is None


def _data():
    return draft_data()


async def _get(world: World, request_id: UUID) -> dict:
    return await requests.get_request(world.uow, world.asks(PPK), request_id)
