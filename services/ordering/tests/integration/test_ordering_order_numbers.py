"""The purchase-order number is taken in a short transaction of its own (docs/order-numbers.md),
on the real database: while one order's transaction is still open, another order of the same
work unit takes the next number without waiting for it; a number whose order is rolled back is
not given again."""

import asyncio
from uuid import UUID, uuid4

from epurchasing_shared.kernel.unit_of_work import Caller
from ordering.adapters.unit_of_work import SERVICE, SqlOrderingUnitOfWork

ORDERS_AT_ONCE = 6
PROPOSAL = {
    "prices": [{"line_no": 1, "unit_price": 9_800_000}, {"line_no": 2, "unit_price": 3_000_000}],
    "shipping_cost": 500_000,
}

# Far more than one short transaction needs: reaching it means the second order waited for
# the first one's COMMIT (the counter's lock held to the end of the order's transaction).
NO_WAIT_SECONDS = 10


class Abandoned(Exception):
    """The first order fails after taking its number."""


async def test_an_open_order_does_not_hold_its_work_units_counter(ordering_harness):
    work_unit = f"numbers-{uuid4().hex[:8]}"
    async with ordering_harness() as h:
        unit_of_work = SqlOrderingUnitOfWork.factory(h.app.state.runtime, SERVICE)
        taken = []
        try:
            async with unit_of_work(Caller.system()) as first:
                taken.append(await first.order_numbers.next_seq(work_unit, 2026))
                async with unit_of_work(Caller.system()) as second:
                    taken.append(
                        await asyncio.wait_for(
                            second.order_numbers.next_seq(work_unit, 2026), NO_WAIT_SECONDS
                        )
                    )
                raise Abandoned
        except Abandoned:
            pass
        async with unit_of_work(Caller.system()) as third:
            taken.append(await third.order_numbers.next_seq(work_unit, 2026))
        assert taken == [1, 2, 3]
        async with unit_of_work(Caller.system()) as other:
            assert await other.order_numbers.next_seq(work_unit, 2027) == 1


async def test_orders_issued_at_once_get_distinct_consecutive_numbers(
    ordering_harness, make_package_event
):
    """Six PPK-approved packages of one work unit, their purchase orders posted at once over
    HTTP: all issued, with distinct and consecutive numbers (nothing failed, so no gap)."""
    events = [make_package_event() for _ in range(ORDERS_AT_ONCE)]
    async with ordering_harness() as h:
        official, ppk = h.tokens.official(), h.tokens.ppk()

        async def approved(event) -> UUID:
            package_id = UUID(event.data["package_id"])
            vendor = h.tokens.vendor(UUID(event.data["vendor"]["id"]))
            await h.publish(event)
            await h.wait_for_package(package_id)
            steps = [
                ("process", official, None),
                ("negotiation/proposals", official, PROPOSAL),
                ("negotiation/proposals/1/accept", vendor, None),
                ("approve", vendor, None),
                ("send-to-ppk", official, None),
                ("ppk-approve", ppk, None),
            ]
            for path, who, body in steps:
                response = await h.post(f"/packages/{package_id}/{path}", who, json=body)
                assert response.status_code == 200, response.text
            return package_id

        packages = await asyncio.gather(*(approved(event) for event in events))
        issued = await asyncio.gather(
            *(
                h.post(
                    f"/packages/{package_id}/purchase-order",
                    ppk,
                    files=h.pdf(),
                    data={"signatory": "Budi, S.T. (PPK)", "terms": "Pembayaran setelah BAST."},
                )
                for package_id in packages
            )
        )
        assert [r.status_code for r in issued] == [200] * ORDERS_AT_ONCE, [r.text for r in issued]
        numbers = [r.json()["purchase_order"]["number"] for r in issued]
        seqs = sorted(int(number.rsplit("/", 1)[1]) for number in numbers)
        assert seqs == list(range(seqs[0], seqs[0] + ORDERS_AT_ONCE)), numbers
        assert all(number.startswith("SP/dinkes/") for number in numbers)
