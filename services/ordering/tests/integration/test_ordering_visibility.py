"""Who sees which package: the work unit's official and PPK, its vendor, auditors; 404 else."""

from uuid import UUID, uuid4


class TestVisibility:
    async def test_packages_are_filtered_to_the_caller_and_paginated(
        self, ordering_harness, make_package_event
    ):
        vendor_id = uuid4()
        events = [make_package_event(vendor_id=vendor_id) for _ in range(3)]
        async with ordering_harness() as h:
            for event in events:
                await h.publish(event)
            for event in events:
                await h.wait_for_package(UUID(event.data["package_id"]))
            first = f"/packages/{events[0].data['package_id']}"
            assert (
                await h.client.post(f"{first}/process", headers=h.tokens.official())
            ).status_code == 200
            outsiders = [
                h.tokens.official(sub="o-9", work_unit="dishub"),
                h.tokens.ppk(sub="p-9", work_unit="dishub"),
                h.tokens.vendor(uuid4()),
            ]
            for who in outsiders:
                assert (await h.client.get(first, headers=who)).status_code == 404
                listed = await h.client.get("/packages", headers=who)
                assert first.rsplit("/", 1)[1] not in [p["id"] for p in listed.json()["items"]]
                history = await h.client.get(
                    f"/procurements/{events[0].procurementid}/history", headers=who
                )
                assert history.status_code == 404
            hidden_action = await h.client.post(f"{first}/approve", headers=outsiders[2])
            assert hidden_action.status_code == 404
            for who in (
                h.tokens.ppk(),
                h.tokens.vendor(vendor_id),
                h.tokens.auditor(),
                h.tokens.admin(),
            ):
                assert (await h.client.get(first, headers=who)).status_code == 200

            mine = h.tokens.vendor(vendor_id)
            page1 = (await h.client.get("/packages?limit=2", headers=mine)).json()
            page2 = (
                await h.client.get(f"/packages?limit=2&cursor={page1['next_cursor']}", headers=mine)
            ).json()
            processing = (await h.client.get("/packages?state=processing", headers=mine)).json()
            bad_state = await h.client.get("/packages?state=nonsense", headers=mine)
            bad_cursor = await h.client.get("/packages?cursor=zzz", headers=mine)
            view = (await h.client.get(first, headers=mine)).json()
        ids = [p["id"] for p in page1["items"] + page2["items"]]
        assert sorted(ids) == sorted(e.data["package_id"] for e in events)
        assert page2["next_cursor"] is None
        assert [p["id"] for p in processing["items"]] == [events[0].data["package_id"]]
        assert bad_state.status_code == 422 and bad_cursor.status_code == 422
        assert view["allowed_actions"] == ["approve"]
        assert view["vendor_email"]["recipient"] == events[0].data["vendor"]["email"]
