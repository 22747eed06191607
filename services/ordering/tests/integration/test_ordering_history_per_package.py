"""GET /procurements/{id}/history shows each caller only the entries of the packages it may
see: after the PPK cancels vendor A's package and competition generates a second package of
the same procurement for vendor B, neither vendor reads the other's entries."""

from uuid import UUID, uuid4


async def history_ids(h, procurement_id: UUID, headers: dict) -> set[str]:
    response = await h.client.get(f"/procurements/{procurement_id}/history", headers=headers)
    assert response.status_code == 200, response.text
    return {entry["aggregate_id"] for entry in response.json()}


class TestHistoryPerPackage:
    async def test_each_vendor_sees_only_its_own_package_after_a_ppk_rejection(
        self, ordering_harness, make_package_event
    ):
        procurement_id = uuid4()
        vendor_a, vendor_b = uuid4(), uuid4()
        first = make_package_event(vendor_id=vendor_a, procurement_id=procurement_id)
        second = make_package_event(vendor_id=vendor_b, procurement_id=procurement_id)
        a_id, b_id = first.data["package_id"], second.data["package_id"]
        async with ordering_harness() as h:
            official, ppk = h.tokens.official(), h.tokens.ppk()
            as_a, as_b = h.tokens.vendor(vendor_a), h.tokens.vendor(vendor_b)
            await h.publish(first)
            await h.wait_for_package(UUID(a_id))
            for path, who in (("process", official), ("approve", as_a), ("send-to-ppk", official)):
                response = await h.client.post(f"/packages/{a_id}/{path}", headers=who)
                assert response.status_code == 200, response.text
            rejected = await h.client.post(
                f"/packages/{a_id}/ppk-reject", headers=ppk, json={"reason": "Harga belum sesuai"}
            )
            assert rejected.status_code == 200, rejected.text
            await h.publish(second)
            await h.wait_for_package(UUID(b_id))
            processed = await h.client.post(f"/packages/{b_id}/process", headers=official)
            assert processed.status_code == 200, processed.text

            seen_by_a = await history_ids(h, procurement_id, as_a)
            seen_by_b = await history_ids(h, procurement_id, as_b)
            seen_by_official = await history_ids(h, procurement_id, official)
            seen_by_auditor = await history_ids(h, procurement_id, h.tokens.auditor())
            outsider = await h.client.get(
                f"/procurements/{procurement_id}/history", headers=h.tokens.vendor(uuid4())
            )
        assert seen_by_a == {a_id}
        assert seen_by_b == {b_id}
        assert seen_by_official == {a_id, b_id}
        assert seen_by_auditor == {a_id, b_id}
        assert outsider.status_code == 404
