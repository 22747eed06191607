"""Walk one procurement through the 27 SOP steps over HTTP, as the right actors.

Usage::

    async with http_client(timeout=30) as http:
        api = Api(Endpoints.from_env(), http)
        cast = Cast()
        vendors = await seed_catalogue(api, cast.admin_headers(), demo_catalogue())
        outcome = await drive(api, cast, vendors, "laptop", Branches(addendum=True))

Each step is recorded (SOP number, actor, what happened, resulting state, time) in
``outcome.steps`` and passed to ``on_step`` as it happens.
"""

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from epurchasing_demo.cast import Cast
from epurchasing_demo.catalogue import Vendor
from epurchasing_demo.client import SERVICES, Api, DriverError
from epurchasing_demo.model import Branches, Outcome, Run, StepRecord
from epurchasing_demo.steps_competition import (
    competition_steps,
    request_steps,
    wait_until_accepted,
)
from epurchasing_demo.steps_delivery import delivery_steps
from epurchasing_demo.steps_ordering import ordering_steps

__all__ = ["Branches", "Outcome", "StepRecord", "drive", "final_states", "timeline"]


async def drive(
    api: Api,
    cast: Cast,
    vendors: list[Vendor],
    category: str,
    branches: Branches = Branches(),
    *,
    offer_window: float = 5.0,
    adaptive_offer_window: bool = False,
    timeout: float = 30.0,
    on_step: Callable[[StepRecord], None] | None = None,
    outcome: Outcome | None = None,
) -> Outcome:
    """One procurement from the PPK's need to the vendor's rating, taking ``branches``.

    The offer window is ``offer_window`` seconds; with ``adaptive_offer_window`` it is at least
    that, longer when the drive's own writes just before (steps 6 and 8) were slow (a
    benchmark under load; ``steps_competition.ADAPTIVE_WINDOW_WRITES``). The steps are
    recorded in ``outcome`` when one is given (so a caller can read how far a drive got, and
    its offer windows, after it raised), else in a new one."""
    if not vendors:
        raise DriverError("the catalogue has no vendors to compete")
    run = Run(
        api,
        cast,
        vendors,
        category,
        branches,
        offer_window,
        timeout,
        on_step,
        adaptive_offer_window,
        outcome if outcome is not None else Outcome(),
    )
    await request_steps(run)
    failures = 1 if branches.failed_competition_first else 0
    rejections = 1 if branches.ppk_rejects_first else 0
    while True:
        package = await competition_steps(run, with_offers=failures == 0)
        if package is None:
            failures -= 1
            await wait_until_accepted(run, "the competition failed")
            continue
        if not await ordering_steps(run, package, reject=rejections > 0):
            rejections -= 1
            await wait_until_accepted(run, "the PPK rejected the package")
            continue
        break
    await delivery_steps(run)
    return run.outcome


async def final_states(api: Api, cast: Cast, outcome: Outcome) -> dict[str, str]:
    """The procurement's state in every service, read by an auditor."""
    auditor, pid = cast.auditor_headers(), outcome.procurement_id
    request = await api.call("competition", "GET", f"/purchase-requests/{pid}", headers=auditor)
    package = await api.call("ordering", "GET", f"/packages/{outcome.package_id}", headers=auditor)
    fulfilment = await api.call("delivery", "GET", f"/fulfilments/{pid}", headers=auditor)
    rating = await api.call("rating", "GET", f"/ratings/{outcome.rating_id}", headers=auditor)
    return {
        "competition": request["state"],
        "ordering": package["state"],
        "delivery": fulfilment["state"],
        "rating": rating["state"],
    }


FINAL = {
    "competition": "fulfilled",
    "ordering": "closed",
    "delivery": "completed",
    "rating": "rated",
}


async def wait_for_final_states(
    api: Api, cast: Cast, outcome: Outcome, timeout: float = 15.0
) -> dict[str, str]:
    """Poll until every service holds its final state (ordering and competition close the
    package and the request when they consume delivery.package_completed.v1); the last
    states read when ``timeout`` passes."""
    loop = asyncio.get_running_loop()
    until = loop.time() + timeout
    while True:
        states = await final_states(api, cast, outcome)
        if states == FINAL or loop.time() > until:
            return states
        await asyncio.sleep(0.3)


async def timeline(
    api: Api, cast: Cast, procurement_id: str, services: Sequence[str] = SERVICES
) -> list[dict[str, Any]]:
    """The ``services``' history of the procurement, merged and sorted by time."""
    entries: list[dict[str, Any]] = []
    for service in services:
        history = await api.call(
            service,
            "GET",
            f"/procurements/{procurement_id}/history",
            headers=cast.auditor_headers(),
        )
        entries.extend({**entry, "service": service} for entry in history)
    return sorted(entries, key=lambda entry: datetime.fromisoformat(entry["at"]))
