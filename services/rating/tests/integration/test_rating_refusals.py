"""Acceptance: a second rating 409, a score off the scale 422, another PPK 404, one reply."""

from uuid import uuid4

from .rating_helpers import ALL_GOOD, completion, publish, wait_for_rating

PROBLEM = "application/problem+json"


async def open_rating(rating, infrastructure, topology, tokens, *, ppk="ppk-1", on_time=True):
    procurement_id, package_id, vendor_id = uuid4(), uuid4(), uuid4()
    event = completion(
        procurement_id=procurement_id,
        package_id=package_id,
        vendor_id=vendor_id,
        ppk=ppk,
        on_time=on_time,
    )
    await publish(infrastructure.amqp_url, topology.exchange, event)
    opened = await wait_for_rating(rating.client, tokens.ppk(ppk), vendor_id, package_id)
    return procurement_id, vendor_id, opened


class TestRatingRefusals:
    async def test_refuses_bad_scores_strangers_and_a_second_rating(
        self, rating, infrastructure, topology, tokens
    ):
        client, ppk = rating.client, tokens.ppk("ppk-1")
        procurement_id, _, _ = await open_rating(rating, infrastructure, topology, tokens)
        body = {"procurement_id": str(procurement_id), "scores": ALL_GOOD, "comment": "ok"}

        off_scale = await client.post(
            "/ratings", json=body | {"scores": ALL_GOOD | {"cost": 4}}, headers=ppk
        )
        assert off_scale.status_code == 422
        assert off_scale.headers["content-type"].startswith(PROBLEM)
        assert [e["field"] for e in off_scale.json()["errors"]] == ["scores.cost"]

        missing = {k: v for k, v in ALL_GOOD.items() if k != "service"}
        for scores, field in ((missing, "scores.service"), (ALL_GOOD | {"x": 2}, "scores.x")):
            refused = await client.post("/ratings", json=body | {"scores": scores}, headers=ppk)
            assert refused.status_code == 422
            assert field in [e["field"] for e in refused.json()["errors"]]
        not_a_number = await client.post(
            "/ratings", json=body | {"scores": ALL_GOOD | {"cost": "2"}}, headers=ppk
        )
        assert not_a_number.status_code == 422

        other_ppk = await client.post("/ratings", json=body, headers=tokens.ppk("ppk-2"))
        assert other_ppk.status_code == 404
        assert other_ppk.headers["content-type"].startswith(PROBLEM)
        unknown = await client.post(
            "/ratings", json=body | {"procurement_id": str(uuid4())}, headers=ppk
        )
        assert unknown.status_code == 404
        wrong_role = await client.post("/ratings", json=body, headers=tokens.official())
        assert wrong_role.status_code == 403
        assert (await client.post("/ratings", json=body)).status_code == 401

        first = await client.post("/ratings", json=body, headers=ppk)
        assert first.status_code == 201, first.text
        second = await client.post("/ratings", json=body, headers=ppk)
        assert second.status_code == 409
        assert second.headers["content-type"].startswith(PROBLEM)
        assert second.json()["current_state"] == "rated"
        assert second.json()["allowed_actions"] == []

    async def test_an_idempotent_retry_returns_the_first_rating(
        self, rating, infrastructure, topology, tokens
    ):
        client, ppk = rating.client, tokens.ppk("ppk-1")
        procurement_id, _, _ = await open_rating(rating, infrastructure, topology, tokens)
        body = {"procurement_id": str(procurement_id), "scores": ALL_GOOD}
        headers = ppk | {"Idempotency-Key": f"rate-{procurement_id}"}
        first = await client.post("/ratings", json=body, headers=headers)
        retried = await client.post("/ratings", json=body, headers=headers)
        assert (first.status_code, retried.status_code) == (201, 201)
        assert retried.json() == first.json()
        assert retried.headers.get("Idempotent-Replayed") == "true"


class TestVendorReply:
    async def test_only_the_rated_vendor_replies_and_only_once(
        self, rating, infrastructure, topology, tokens
    ):
        client, ppk = rating.client, tokens.ppk("ppk-1")
        procurement_id, vendor_id, opened = await open_rating(
            rating, infrastructure, topology, tokens
        )
        reply_path = f"/ratings/{opened['id']}/reply"
        vendor = tokens.vendor(vendor_id)
        # Not rated yet: the vendor does not see the PPK's pending rating.
        early = await client.post(reply_path, json={"text": "?"}, headers=vendor)
        assert early.status_code == 404
        rated = await client.post(
            "/ratings",
            json={"procurement_id": str(procurement_id), "scores": ALL_GOOD, "comment": "baik"},
            headers=ppk,
        )
        assert rated.status_code == 201
        assert (await client.get(f"/ratings/{opened['id']}", headers=vendor)).json()[
            "allowed_actions"
        ] == ["reply"]

        other_vendor = await client.post(
            reply_path, json={"text": "bukan saya"}, headers=tokens.vendor(uuid4())
        )
        assert other_vendor.status_code == 404
        assert (await client.post(reply_path, json={"text": "x"}, headers=ppk)).status_code == 403
        empty = await client.post(reply_path, json={"text": ""}, headers=vendor)
        assert empty.status_code == 422
        stale = await client.post(
            reply_path, json={"text": "terima kasih"}, headers=vendor | {"If-Match": "1"}
        )
        assert stale.status_code == 412

        replied = await client.post(
            reply_path, json={"text": "Terima kasih atas penilaiannya"}, headers=vendor
        )
        assert replied.status_code == 200, replied.text
        assert (replied.json()["state"], replied.json()["reply"]) == (
            "replied",
            "Terima kasih atas penilaiannya",
        )
        again = await client.post(reply_path, json={"text": "sekali lagi"}, headers=vendor)
        assert again.status_code == 409
        assert again.json()["current_state"] == "replied"

        # Anyone signed in reads the vendor's ratings with comment and reply.
        listed = await client.get(
            "/ratings", params={"vendor_id": str(vendor_id)}, headers=tokens.official()
        )
        assert [(r["comment"], r["reply"]) for r in listed.json()["items"]] == [
            ("baik", "Terima kasih atas penilaiannya")
        ]
        assert (
            await client.get("/ratings", params={"vendor_id": str(vendor_id)})
        ).status_code == 401

    async def test_other_callers_do_not_see_a_pending_rating(
        self, rating, infrastructure, topology, tokens
    ):
        client = rating.client
        _, vendor_id, opened = await open_rating(rating, infrastructure, topology, tokens)
        params = {"vendor_id": str(vendor_id)}
        for caller in (tokens.ppk("ppk-2"), tokens.vendor(vendor_id), tokens.official()):
            assert (await client.get("/ratings", params=params, headers=caller)).json()[
                "items"
            ] == []
            assert (await client.get(f"/ratings/{opened['id']}", headers=caller)).status_code == 404
        auditor = await client.get("/ratings", params=params, headers=tokens.auditor())
        assert [r["id"] for r in auditor.json()["items"]] == [opened["id"]]
