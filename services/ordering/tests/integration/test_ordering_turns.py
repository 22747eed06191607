"""A package shows whose turn it is; "my work" (turn=mine) and overdue filters on GET /packages,
a join on the spine's turns table that uses its indexes."""

from datetime import timedelta
from uuid import UUID

import asyncpg
from sqlalchemy.engine import make_url


async def ids(h, headers, **params) -> list[str]:
    response = await h.client.get("/packages", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


class TestTurnsOnPackages:
    async def test_the_resource_shows_its_turn_and_the_lists_filter_by_it(
        self, ordering_harness, make_package_event
    ):
        event = make_package_event()
        package_id = UUID(event.data["package_id"])
        vendor_id = event.data["vendor"]["id"]
        async with ordering_harness(overdue_scan_enabled=False) as h:
            await h.publish(event)
            shown = await h.wait_for_package(package_id)
            vendor, official = h.tokens.vendor(UUID(vendor_id)), h.tokens.official()
            turn = shown["turn"]
            assert (turn["sop_step"], turn["actor_role"], turn["actor_id"]) == (
                "14",
                "procurement_official",
                event.data["official"]["id"],
            )
            assert turn["work_unit"] == "dinkes" and turn["overdue"] is False
            mine = str(package_id)
            other_official = h.tokens.official(sub="official-9")
            assert mine in await ids(h, official, turn="mine")
            assert mine not in await ids(h, other_official, turn="mine")
            assert mine not in await ids(h, vendor, turn="mine")

            processed = await h.client.post(f"/packages/{package_id}/process", headers=official)
            assert processed.status_code == 200, processed.text
            turn = processed.json()["turn"]
            assert (turn["sop_step"], turn["actor_role"], turn["actor_id"]) == (
                "16",
                "vendor",
                vendor_id,
            )
            assert mine in await ids(h, vendor, turn="mine")
            assert mine not in await ids(h, official, turn="mine")
            assert mine not in await ids(h, vendor, overdue="true")
            assert mine in await ids(h, vendor, overdue="false")

            h.clock.advance(days=10)  # well past the vendor's one working day
            assert mine in await ids(h, vendor, overdue="true", turn="mine")
            assert mine not in await ids(h, vendor, overdue="false")
            got = await h.client.get(f"/packages/{package_id}", headers=vendor)
            assert got.json()["turn"]["overdue"] is True
            h.clock.advance(days=-10)
            bad = await h.client.get("/packages", headers=vendor, params={"turn": "yours"})
            assert bad.status_code == 422

            url = make_url(h.settings.database_url).set(drivername="postgresql")
            connection = await asyncpg.connect(url.render_as_string(hide_password=False))
            try:
                await connection.execute("SET enable_seqscan = off")
                plan = "\n".join(
                    row[0]
                    for row in await connection.fetch(
                        "EXPLAIN SELECT p.* FROM packages p JOIN turns t"
                        " ON t.aggregate_id = p.id AND t.done_at IS NULL"
                        " WHERE t.actor_role = 'vendor' AND t.actor_id = $1 AND t.due_at < $2"
                        " ORDER BY p.created_at, p.id LIMIT 21",
                        vendor_id,
                        h.clock.now() + timedelta(days=10),
                    )
                )
            finally:
                await connection.close()
        assert "Seq Scan" not in plan, plan
        assert "ux_turns_open_aggregate" in plan or "ix_turns_actor" in plan, plan
