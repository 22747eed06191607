"""Issue 5 across services: the rating API's blacklist bars a vendor in competition (11b)."""

from datetime import date, timedelta
from uuid import uuid4

from .cross_steps import (
    Buyers,
    Vendor,
    accepted_request,
    add_vendor,
    eventually,
    offer,
    ok,
    opened_competition,
)


def blacklist_entry(vendor: Vendor, starts_on: date, ends_on: date | None) -> dict:
    return {
        "vendor_id": vendor.id,
        "vendor_name": vendor.name,
        "reason": "Pemalsuan dokumen penawaran",
        "decree_reference": "SK Kepala UKPBJ No. 027/2026",
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat() if ends_on else None,
    }


async def revise(system, cid: str, vendor: Vendor):
    """The vendor's offer call of step 10 (a revision of its standing offer)."""
    return await system.competition.put(
        f"/competitions/{cid}/offers/mine", json=offer(vendor, 6_900_000), headers=vendor.headers
    )


async def until_refused(system, cid: str, vendor: Vendor) -> None:
    """Competition applied rating's event once the vendor's offer call is refused (403)."""

    async def refused() -> bool:
        response = await revise(system, cid, vendor)
        assert response.status_code in (200, 403), response.text
        return response.status_code == 403 and "blacklist" in response.json()["detail"]

    await eventually(refused)


async def competing(system, category: str, days: int, *vendors: Vendor) -> tuple[Buyers, str]:
    """An accepted request of a new work unit, its competition open for ``days``, one offer
    of each vendor."""
    buyers = Buyers(system.tokens)
    request = await accepted_request(system.competition, buyers, category)
    deadline = system.clock.now() + timedelta(days=days)
    cid = await opened_competition(system.competition, buyers, request["id"], category, deadline)
    for vendor in vendors:
        url = f"/competitions/{cid}/offers"
        ok(await system.competition.post(url, json=offer(vendor), headers=vendor.headers), 201)
    return buyers, cid


def today(system) -> date:
    return (system.clock.now() + timedelta(hours=7)).date()  # Jakarta's date


async def test_a_blacklisted_vendor_is_refused_then_offers_again_once_lifted(system):
    category, admin = f"laptop-{uuid4().hex[:8]}", system.tokens.admin()
    barred = await add_vendor(system.competition, system.tokens, "PT Curang", category)
    # Both competitions get the vendor's offer before it is blacklisted.
    buyers, first = await competing(system, category, 1, barred)
    _, second = await competing(system, category, 5, barred)

    created = await system.rating.post(
        "/blacklist", json=blacklist_entry(barred, today(system), None), headers=admin
    )
    entry = ok(created, 201)
    assert entry["active"] is True
    await until_refused(system, first, barred)
    assert (await revise(system, second, barred)).status_code == 403

    system.clock.advance(days=2)  # the first competition's deadline passes
    evaluated = ok(
        await system.competition.post(f"/competitions/{first}/evaluate", headers=buyers.official)
    )
    assert (evaluated["state"], evaluated["failure_reason"]) == (
        "evaluated:failed",
        "only_blacklisted_offers",
    )

    lift = {"reason": "Putusan PTUN membatalkan SK"}
    lifted = ok(
        await system.rating.post(f"/blacklist/{entry['id']}/lift", json=lift, headers=admin)
    )
    assert lifted["state"] == "lifted"

    revised: list[dict] = []

    async def offers_again() -> bool:
        response = await revise(system, second, barred)
        revised.append(response.json())
        return response.status_code == 200

    await eventually(offers_again)
    assert revised[-1]["revision"] >= 2 and revised[-1]["evaluated_price"] == 83_300_000


async def test_a_blacklisted_vendor_offers_again_after_the_end_date(system):
    category, admin = f"laptop-{uuid4().hex[:8]}", system.tokens.admin()
    barred = await add_vendor(system.competition, system.tokens, "CV Telat", category)
    _, cid = await competing(system, category, 7, barred)
    first_day = today(system)
    body = blacklist_entry(barred, first_day, first_day + timedelta(days=1))
    ok(await system.rating.post("/blacklist", json=body, headers=admin), 201)
    await until_refused(system, cid, barred)

    system.clock.advance(days=1)  # the last day of the entry: still barred
    assert (await revise(system, cid, barred)).status_code == 403
    system.clock.advance(days=1)  # the end date has passed, in both services
    assert (await revise(system, cid, barred)).status_code == 200
    public = ok(await system.rating.get("/blacklist", params={"vendor_id": barred.id}))
    assert [item["state"] for item in public["items"]] == ["expired"]
