"""The generated Surat Pesanan (21, 24a): one PDF per order version, made in the step's own
transaction, its SHA-256 in that step's history entry beside the PPK's signed scan, served at
``GET /packages/{id}/purchase-order.pdf?version=N`` to whoever may see the package."""

import hashlib
from uuid import UUID, uuid4

from .test_ordering_addenda import issue_order


async def test_each_version_is_generated_and_served_to_the_package_readers(
    ordering_harness, make_package_event
):
    event = make_package_event()
    package_id = UUID(event.data["package_id"])
    vendor_id = UUID(event.data["vendor"]["id"])
    async with ordering_harness() as h:
        await h.publish(event)
        await h.wait_for_package(package_id)
        ppk = h.tokens.ppk()
        early = await h.client.get(f"/packages/{package_id}/purchase-order.pdf", headers=ppk)
        assert early.status_code == 409, early.text
        assert early.headers["content-type"].startswith("application/problem+json")
        assert early.json()["current_state"] == "received"

        base = await issue_order(h, event)
        amended = await h.client.post(
            f"{base}/purchase-order/addenda",
            headers=ppk,
            files=h.pdf("addendum.pdf"),
            data={"reason": "tambah satu laptop", "line_no": ["1"], "quantity": ["11"]},
        )
        assert amended.status_code == 200, amended.text
        history = await h.history(UUID(str(event.procurementid)))

        url = f"{base}/purchase-order.pdf"
        readers = [
            ppk,
            h.tokens.official(),
            h.tokens.vendor(vendor_id),
            h.tokens.auditor(),
            h.tokens.admin(),
        ]
        served = {}
        for version, action in ((1, "issue_purchase_order"), (2, "amend_order")):
            answers = [
                await h.client.get(url, params={"version": version}, headers=who) for who in readers
            ]
            assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
            pdf = answers[0]
            assert len({a.content for a in answers}) == 1
            assert pdf.headers["content-type"] == "application/pdf"
            disposition = pdf.headers["content-disposition"]
            assert disposition.startswith("attachment") and f"-v{version}.pdf" in disposition
            digest = hashlib.sha256(pdf.content).hexdigest()
            assert pdf.headers["etag"] == f'"{digest}"'
            (entry,) = [e for e in history if e["action"] == action]
            documents = {d["kind"]: d["sha256"] for d in entry["documents"]}
            assert documents["purchase_order_generated"] == digest
            assert {"purchase_order", "addendum"} & set(documents)  # the signed scan too
            served[version] = pdf.content
        assert served[1] != served[2]
        newest = await h.client.get(url, headers=ppk)
        assert newest.status_code == 200 and newest.content == served[2]
        cached = await h.client.get(url, headers={**ppk, "If-None-Match": newest.headers["etag"]})
        assert cached.status_code == 304

        assert (await h.client.get(url, params={"version": 3}, headers=ppk)).status_code == 404
        assert (await h.client.get(url, params={"version": 0}, headers=ppk)).status_code == 422
        for stranger in (h.tokens.vendor(uuid4()), h.tokens.ppk(work_unit="dishub")):
            assert (await h.client.get(url, headers=stranger)).status_code == 404
        assert (await h.client.get(url)).status_code == 401
