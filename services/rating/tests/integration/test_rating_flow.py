"""Acceptance: a completed package, the PPK's rating over HTTP, the event and the scorecard."""

import asyncio
from uuid import uuid4

from .rating_helpers import (
    ALL_GOOD,
    completion,
    dead_letter_count,
    publish,
    ratings_of,
    wait_for_rating,
)


class TestRatingACompletedPackage:
    async def test_completion_opens_one_rating_which_the_ppk_rates_into_event_and_scorecard(
        self, rating, infrastructure, topology, exchange_spy, tokens
    ):
        client, ppk = rating.client, tokens.ppk("ppk-1")
        procurement_id, package_id, vendor_id = uuid4(), uuid4(), uuid4()
        completed = completion(
            procurement_id=procurement_id, package_id=package_id, vendor_id=vendor_id
        )
        await publish(infrastructure.amqp_url, topology.exchange, completed)
        opened = await wait_for_rating(client, ppk, vendor_id, package_id)
        assert (opened["state"], opened["allowed_actions"]) == ("pending", ["rate"])

        # Redelivered: the same event id again, and the same package under another id.
        again = completion(
            procurement_id=procurement_id, package_id=package_id, vendor_id=vendor_id
        )
        await publish(infrastructure.amqp_url, topology.exchange, completed)
        await publish(infrastructure.amqp_url, topology.exchange, again)
        # A later completion on the same queue: once it is in, the duplicates were handled.
        marker_vendor, marker_package = uuid4(), uuid4()
        await publish(
            infrastructure.amqp_url,
            topology.exchange,
            completion(procurement_id=uuid4(), package_id=marker_package, vendor_id=marker_vendor),
        )
        await wait_for_rating(client, ppk, marker_vendor, marker_package)
        assert len(await ratings_of(client, ppk, vendor_id)) == 1
        # Skipped as duplicates, not failed into the dead-letter queue.
        assert await dead_letter_count(infrastructure.amqp_url, topology) == 0

        response = await client.post(
            "/ratings",
            json={
                "procurement_id": str(procurement_id),
                "scores": ALL_GOOD,
                "comment": "Barang sesuai, pengiriman tepat waktu",
            },
            headers=ppk,
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["state"] == "rated"
        assert body["weighted_result"] == "2.60"
        assert body["allowed_actions"] == []

        event = await exchange_spy.wait_for(
            "rating.vendor_rated.v1", lambda e: e.data["rating_id"] == body["id"]
        )
        assert event.procurementid == procurement_id
        assert (event.sopstep, event.actorrole, event.actorid) == ("27", "ppk", "ppk-1")
        assert event.data["package_id"] == str(package_id)
        assert event.data["vendor_id"] == str(vendor_id)
        assert event.data["ppk"] == {"id": "ppk-1", "name": "PPK ppk-1", "email": None}
        assert event.data["scores"] == ALL_GOOD
        assert event.data["weights"] == {
            "quality_quantity": 30,
            "cost": 20,
            "timeliness": 30,
            "service": 20,
        }
        assert (event.data["weighted_points"], event.data["weight_total"]) == (260, 100)
        assert event.data["weighted_result"] == "2.60"
        assert event.data["comment"] == "Barang sesuai, pengiriman tepat waktu"

        card = await client.get(f"/vendors/{vendor_id}/scorecard")  # public: no token
        assert card.status_code == 200, card.text
        assert card.json() == {
            "vendor_id": str(vendor_id),
            "vendor_name": "CV Sumber Makmur",
            "weighted_average": "2.60",
            "rating_count": 1,
            "rating_ppk_count": 1,
            "package_count": 1,
            "on_time_package_count": 1,
            "criterion_averages": {
                "cost": "2.00",
                "quality_quantity": "3.00",
                "service": "2.00",
                "timeliness": "3.00",
            },
            "below_review_threshold": False,
        }

        # A completion redelivered after the rating changes nothing either.
        await publish(infrastructure.amqp_url, topology.exchange, again)
        await asyncio.sleep(0.3)
        assert [r["state"] for r in await ratings_of(client, ppk, vendor_id)] == ["rated"]

    async def test_the_procurement_history_records_the_rating_for_its_work_unit(
        self, rating, infrastructure, topology, tokens
    ):
        client, ppk = rating.client, tokens.ppk("ppk-1")
        procurement_id, package_id, vendor_id = uuid4(), uuid4(), uuid4()
        await publish(
            infrastructure.amqp_url,
            topology.exchange,
            completion(procurement_id=procurement_id, package_id=package_id, vendor_id=vendor_id),
        )
        await wait_for_rating(client, ppk, vendor_id, package_id)
        rated = await client.post(
            "/ratings",
            json={"procurement_id": str(procurement_id), "scores": ALL_GOOD},
            headers=ppk,
        )
        assert rated.status_code == 201, rated.text

        history = await client.get(f"/procurements/{procurement_id}/history", headers=ppk)
        assert history.status_code == 200, history.text
        steps = [
            (h["action"], h["from_state"], h["to_state"], h["sop_step"]) for h in history.json()
        ]
        assert steps == [("open_rating", None, "pending", "27"), ("rate", "pending", "rated", "27")]
        vendor_view = await client.get(
            f"/procurements/{procurement_id}/history", headers=tokens.vendor(vendor_id)
        )
        assert vendor_view.status_code == 200
        for stranger in (tokens.ppk("ppk-9", work_unit="dishub"), tokens.vendor(uuid4())):
            hidden = await client.get(f"/procurements/{procurement_id}/history", headers=stranger)
            assert hidden.status_code == 404
