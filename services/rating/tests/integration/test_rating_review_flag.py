"""Acceptance: rating.vendor_flagged_for_review.v1 once per crossing below the threshold."""

from uuid import uuid4

from .rating_helpers import completion, publish, wait_for_rating

ALL = ("quality_quantity", "cost", "timeliness", "service")


async def complete_and_rate(rating, infrastructure, topology, tokens, vendor_id, score, ppk):
    procurement_id, package_id = uuid4(), uuid4()
    event = completion(
        procurement_id=procurement_id, package_id=package_id, vendor_id=vendor_id, ppk=ppk
    )
    await publish(infrastructure.amqp_url, topology.exchange, event)
    await wait_for_rating(rating.client, tokens.ppk(ppk), vendor_id, package_id)
    response = await rating.client.post(
        "/ratings",
        json={"procurement_id": str(procurement_id), "scores": dict.fromkeys(ALL, score)},
        headers=tokens.ppk(ppk),
    )
    assert response.status_code == 201, response.text
    return response.json()


class TestFlagForReview:
    async def test_flags_when_the_average_crosses_below_and_again_only_after_recovering(
        self, rating, infrastructure, topology, exchange_spy, tokens
    ):
        vendor_id = uuid4()

        def flags():
            return [
                e
                for e in exchange_spy.of_type("rating.vendor_flagged_for_review.v1")
                if e.data["vendor_id"] == str(vendor_id)
            ]

        async def rate(score, ppk="ppk-1"):
            return await complete_and_rate(
                rating, infrastructure, topology, tokens, vendor_id, score, ppk
            )

        # Threshold 2.00 over at least 3 ratings: two poor ratings are not enough.
        await rate(1, "ppk-1")
        await rate(1, "ppk-2")
        third = await rate(1, "ppk-1")  # 3 ratings, average 1.00: crossing
        first_flag = await exchange_spy.wait_for(
            "rating.vendor_flagged_for_review.v1",
            lambda e: e.data["vendor_id"] == str(vendor_id),
        )
        assert first_flag.data | {"flagged_at": None} == {
            "vendor_id": str(vendor_id),
            "vendor_name": "CV Sumber Makmur",
            "average": "1.00",
            "rating_count": 3,
            "threshold": "2.00",
            "minimum_ratings": 3,
            "rating_id": third["id"],
            "flagged_at": None,
        }
        assert first_flag.subject == f"vendor/{vendor_id}" and first_flag.procurementid is None

        await rate(1)  # still below: no second flag
        for _ in range(4):
            await rate(3)  # 16/8 = 2.00: back at the threshold, not below
        card = (await rating.client.get(f"/vendors/{vendor_id}/scorecard")).json()
        assert (card["weighted_average"], card["below_review_threshold"]) == ("2.00", False)
        last = await rate(1)  # 17/9 = 1.89: a new crossing
        second_flag = await exchange_spy.wait_for(
            "rating.vendor_flagged_for_review.v1", lambda e: e.data["rating_id"] == last["id"]
        )
        assert (second_flag.data["average"], second_flag.data["rating_count"]) == ("1.89", 9)
        # Events leave the outbox in order: every earlier flag has arrived by now.
        assert [f.data["rating_id"] for f in flags()] == [third["id"], last["id"]]

        card = (await rating.client.get(f"/vendors/{vendor_id}/scorecard")).json()
        assert (card["rating_count"], card["rating_ppk_count"], card["package_count"]) == (9, 2, 9)
        assert (card["weighted_average"], card["below_review_threshold"]) == ("1.89", True)
