"""Acceptance: the blacklist through the API, its events, and activity by the injected clock."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest


def entry_body(vendor_id, starts_on="2026-03-05", ends_on="2026-03-10", **extra):
    return {
        "vendor_id": str(vendor_id),
        "vendor_name": "PT Curang",
        "reason": "Pemalsuan dokumen penawaran",
        "decree_reference": "SK Kepala UKPBJ No. 027/2026",
        "starts_on": starts_on,
        "ends_on": ends_on,
    } | extra


async def active_vendor_ids(client) -> set[str]:
    response = await client.get("/blacklist", params={"active": "true", "limit": 200})
    assert response.status_code == 200, response.text
    return {item["vendor_id"] for item in response.json()["items"]}


class TestBlacklist:
    async def test_entry_is_published_with_its_period_and_active_only_between_its_dates(
        self, rating, exchange_spy, tokens
    ):
        client, vendor_id = rating.client, uuid4()
        created = await client.post(
            "/blacklist", json=entry_body(vendor_id), headers=tokens.admin()
        )
        assert created.status_code == 201, created.text
        entry = created.json()
        assert (entry["state"], entry["active"], entry["allowed_actions"]) == (
            "scheduled",
            False,
            ["lift"],
        )

        event = await exchange_spy.wait_for(
            "rating.vendor_blacklisted.v1", lambda e: e.data["entry_id"] == entry["id"]
        )
        assert event.procurementid is None
        assert event.subject == f"vendor/{vendor_id}"
        assert (event.sopstep, event.actorrole) == ("11b", "admin")
        assert event.data | {"recorded_at": None} == {
            "entry_id": entry["id"],
            "vendor_id": str(vendor_id),
            "vendor_name": "PT Curang",
            "reason": "Pemalsuan dokumen penawaran",
            "decree_reference": "SK Kepala UKPBJ No. 027/2026",
            "starts_on": "2026-03-05",
            "ends_on": "2026-03-10",
            "recorded_at": None,
        }

        assert str(vendor_id) not in await active_vendor_ids(client)  # 2 March: not yet
        # 18:00 UTC on 4 March is already 01:00 on 5 March in Jakarta.
        rating.clock.set(datetime(2026, 3, 4, 18, 0, tzinfo=UTC))
        assert str(vendor_id) in await active_vendor_ids(client)
        rating.clock.set(datetime(2026, 3, 10, 16, 0, tzinfo=UTC))  # 23:00 on the end date
        assert str(vendor_id) in await active_vendor_ids(client)
        rating.clock.set(datetime(2026, 3, 10, 17, 0, tzinfo=UTC))  # 00:00 on 11 March
        assert str(vendor_id) not in await active_vendor_ids(client)
        inactive = await client.get(
            "/blacklist", params={"active": "false", "vendor_id": str(vendor_id)}
        )
        assert [i["state"] for i in inactive.json()["items"]] == ["expired"]

    async def test_lift_is_published_and_ends_the_entry_once(self, rating, exchange_spy, tokens):
        client, vendor_id, admin = rating.client, uuid4(), tokens.admin()
        created = await client.post(
            "/blacklist", json=entry_body(vendor_id, "2026-03-01", None), headers=admin
        )
        assert created.status_code == 201, created.text
        entry_id = created.json()["id"]
        assert str(vendor_id) in await active_vendor_ids(client)

        rating.clock.set(datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
        lifted = await client.post(
            f"/blacklist/{entry_id}/lift", json={"reason": "Putusan PTUN"}, headers=admin
        )
        assert lifted.status_code == 200, lifted.text
        assert (lifted.json()["state"], lifted.json()["allowed_actions"]) == ("lifted", [])
        event = await exchange_spy.wait_for(
            "rating.vendor_blacklist_lifted.v1", lambda e: e.data["entry_id"] == entry_id
        )
        assert event.data == {
            "entry_id": entry_id,
            "vendor_id": str(vendor_id),
            "reason": "Putusan PTUN",
            "lifted_at": "2026-03-03T02:00:00Z",
        }
        assert event.procurementid is None and event.subject == f"vendor/{vendor_id}"
        assert str(vendor_id) not in await active_vendor_ids(client)

        again = await client.post(
            f"/blacklist/{entry_id}/lift", json={"reason": "lagi"}, headers=admin
        )
        assert again.status_code == 409
        assert (again.json()["current_state"], again.json()["allowed_actions"]) == ("lifted", [])
        missing = await client.post(
            f"/blacklist/{uuid4()}/lift", json={"reason": "?"}, headers=admin
        )
        assert missing.status_code == 404

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"ends_on": "2026-03-04"}, "ends_on"),
            ({"reason": ""}, "reason"),
            ({"decree_reference": ""}, "decree_reference"),
            ({"starts_on": "5 March"}, "starts_on"),
            ({"vendor_id": "not-a-uuid"}, "vendor_id"),
        ],
    )
    async def test_refuses_bad_entries_naming_the_field(self, rating, tokens, change, field):
        response = await rating.client.post(
            "/blacklist", json=entry_body(uuid4()) | change, headers=tokens.admin()
        )
        assert response.status_code == 422
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]]

    async def test_only_admins_record_and_lift(self, rating, tokens):
        client = rating.client
        for caller in (tokens.ppk(), tokens.official(), tokens.auditor(), tokens.vendor(uuid4())):
            response = await client.post("/blacklist", json=entry_body(uuid4()), headers=caller)
            assert response.status_code == 403
            lift = await client.post(
                f"/blacklist/{uuid4()}/lift", json={"reason": "x"}, headers=caller
            )
            assert lift.status_code == 403
        assert (await client.post("/blacklist", json=entry_body(uuid4()))).status_code == 401
