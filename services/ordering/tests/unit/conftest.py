"""Fixtures of the ordering use-case tests: an in-memory world with one received package."""

import copy
from datetime import date
from uuid import uuid4

import pytest

from epurchasing_shared.contracts.envelope import make_event
from epurchasing_shared.kernel.unit_of_work import Caller
from ordering.application.receive_package import receive_package
from ordering.domain.negotiation import NegotiationRound, PriceSet, RoundStatus
from ordering.domain.purchase_order import OrderTerms, OrderVersion, PurchaseOrder
from ordering.domain.states import PackageState

from .fakes import World, generated


class Seeded:
    def __init__(self, world: World, package_id) -> None:
        self.world, self.id = world, package_id

    def at(self, state: PackageState, *, rounds=(), order: bool = False) -> "Seeded":
        """Put the package in ``state`` (with rounds / an order), as earlier steps would."""
        package = copy.deepcopy(self.world.package(self.id))
        package.state, package.rounds = state, list(rounds)
        if order:
            terms = OrderTerms(package.lines, package.shipping_cost, date(2026, 3, 1), "Budi", "T")
            package.order = PurchaseOrder(
                uuid4(),
                "SP/dinkes/2026/0001",
                "dinkes",
                2026,
                1,
                date(2026, 1, 5),
                terms.total,
                [OrderVersion(1, terms, uuid4(), "ppk-1", self.world.clock.now())],
            )
        self.world.put(package)
        self.world.store.events.clear()
        self.world.store.history.clear()
        return self

    @property
    def package(self):
        return self.world.package(self.id)


def proposed(number: int = 1, laptop: int = 9_000_000, status=RoundStatus.PROPOSED, counter=None):
    return NegotiationRound(
        number, PriceSet({1: laptop, 2: 3_000_000}, 500_000), status, counter, proposed_by="o"
    )


@pytest.fixture
async def seeded() -> Seeded:
    world = World()
    payload = generated()
    event = make_event(
        service="competition", payload=payload, procurement_id=uuid4(), time=world.clock.now()
    )
    async with world.unit_of_work(Caller.system(str(event.id))) as uow:
        await receive_package(uow, event, payload)
    world.store.history.clear()  # the arrival is the consumer's test
    world.store.events.clear()
    return Seeded(world, payload.package_id)
