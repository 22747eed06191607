"""Acceptance: a stale If-Match on every state-changing route is a 412 and changes nothing."""

from uuid import uuid4

from .rating_helpers import ALL_GOOD, completion, publish, wait_for_rating

PROBLEM = "application/problem+json"


def entry_body(vendor_id) -> dict:
    return {
        "vendor_id": str(vendor_id),
        "vendor_name": "PT Curang",
        "reason": "Pemalsuan dokumen penawaran",
        "decree_reference": "SK Kepala UKPBJ No. 027/2026",
        "starts_on": "2026-03-01",
        "ends_on": None,
    }


def assert_precondition_failed(response) -> None:
    assert response.status_code == 412, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["status"] == 412


class TestStaleIfMatch:
    async def test_rating_and_replying_refuse_a_stale_version(
        self, rating, infrastructure, topology, tokens
    ):
        client, ppk = rating.client, tokens.ppk("ppk-1")
        procurement_id, package_id, vendor_id = uuid4(), uuid4(), uuid4()
        await publish(
            infrastructure.amqp_url,
            topology.exchange,
            completion(procurement_id=procurement_id, package_id=package_id, vendor_id=vendor_id),
        )
        opened = await wait_for_rating(client, ppk, vendor_id, package_id)
        path, body = f"/ratings/{opened['id']}", {"procurement_id": str(procurement_id)}

        stale = await client.post(
            "/ratings", json=body | {"scores": ALL_GOOD}, headers=ppk | {"If-Match": '"2"'}
        )
        assert_precondition_failed(stale)
        unchanged = (await client.get(path, headers=ppk)).json()
        assert (unchanged["state"], unchanged["version"]) == ("pending", 1)
        history = await client.get(f"/procurements/{procurement_id}/history", headers=ppk)
        assert [h["action"] for h in history.json()] == ["open_rating"]

        rated = await client.post(
            "/ratings", json=body | {"scores": ALL_GOOD}, headers=ppk | {"If-Match": '"1"'}
        )
        assert rated.status_code == 201, rated.text
        assert (rated.headers["ETag"], rated.headers["Location"]) == ('"2"', path)

        vendor = tokens.vendor(vendor_id)
        stale_reply = await client.post(
            f"{path}/reply", json={"text": "terima kasih"}, headers=vendor | {"If-Match": '"1"'}
        )
        assert_precondition_failed(stale_reply)
        unchanged = (await client.get(path, headers=vendor)).json()
        assert (unchanged["state"], unchanged["reply"], unchanged["version"]) == ("rated", None, 2)

        replied = await client.post(
            f"{path}/reply", json={"text": "terima kasih"}, headers=vendor | {"If-Match": '"2"'}
        )
        assert replied.status_code == 200, replied.text
        assert replied.headers["ETag"] == '"3"'

    async def test_recording_and_lifting_a_blacklist_entry_refuse_a_stale_version(
        self, rating, tokens
    ):
        client, admin, vendor_id = rating.client, tokens.admin(), uuid4()
        listed = {"vendor_id": str(vendor_id)}

        # A new entry has no version yet: an If-Match naming one cannot hold.
        stale_create = await client.post(
            "/blacklist", json=entry_body(vendor_id), headers=admin | {"If-Match": '"1"'}
        )
        assert_precondition_failed(stale_create)
        assert (await client.get("/blacklist", params=listed)).json()["items"] == []

        created = await client.post("/blacklist", json=entry_body(vendor_id), headers=admin)
        assert created.status_code == 201, created.text
        entry_id = created.json()["id"]
        lift = f"/blacklist/{entry_id}/lift"

        stale_lift = await client.post(
            lift, json={"reason": "Putusan PTUN"}, headers=admin | {"If-Match": '"7"'}
        )
        assert_precondition_failed(stale_lift)
        unchanged = (await client.get(f"/blacklist/{entry_id}")).json()
        assert (unchanged["state"], unchanged["version"], unchanged["lifted_at"]) == (
            "active",
            1,
            None,
        )

        lifted = await client.post(
            lift, json={"reason": "Putusan PTUN"}, headers=admin | {"If-Match": '"1"'}
        )
        assert lifted.status_code == 200, lifted.text
        assert (lifted.json()["state"], lifted.headers["ETag"]) == ("lifted", '"2"')

    async def test_a_retried_lift_with_the_same_key_is_answered_once(self, rating, tokens):
        client, admin = rating.client, tokens.admin()
        created = await client.post("/blacklist", json=entry_body(uuid4()), headers=admin)
        lift = f"/blacklist/{created.json()['id']}/lift"
        headers = admin | {"Idempotency-Key": f"lift-{uuid4()}"}
        first = await client.post(lift, json={"reason": "Putusan PTUN"}, headers=headers)
        again = await client.post(lift, json={"reason": "Putusan PTUN"}, headers=headers)
        assert (first.status_code, again.status_code) == (200, 200)
        assert (again.json(), again.headers.get("Idempotent-Replayed")) == (first.json(), "true")
