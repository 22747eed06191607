"""The purchase-order number is taken in a short transaction of its own (docs/order-numbers.md),
on the real database: while one order's transaction is still open, another order of the same
work unit takes the next number without waiting for it; a number whose order is rolled back is
not given again."""

import asyncio
from uuid import uuid4

from epurchasing_shared.kernel.unit_of_work import Caller
from ordering.adapters.unit_of_work import SERVICE, SqlOrderingUnitOfWork

ORDERS_AT_ONCE = 6

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
        ppk = h.tokens.ppk()
        bases = await asyncio.gather(*(h.approved_by_ppk(event) for event in events))
        issued = await asyncio.gather(
            *(
                h.post(
                    f"{base}/purchase-order",
                    ppk,
                    files=h.pdf(),
                    data={"signatory": "Budi, S.T. (PPK)", "terms": "Pembayaran setelah BAST."},
                )
                for base in bases
            )
        )
        assert [r.status_code for r in issued] == [200] * ORDERS_AT_ONCE, [r.text for r in issued]
        numbers = [r.json()["purchase_order"]["number"] for r in issued]
        seqs = sorted(int(number.rsplit("/", 1)[1]) for number in numbers)
        assert seqs == list(range(seqs[0], seqs[0] + ORDERS_AT_ONCE)), numbers
        assert all(number.startswith("SP/dinkes/") for number in numbers)
