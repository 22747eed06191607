"""SOP steps 23–27 on the delivery service (and the addendum, 24a, on ordering), then the
PPK's rating of the vendor on the rating service."""

from typing import Any

from epurchasing_demo.catalogue import Vendor, rupiah
from epurchasing_demo.model import Run, pdf

DLV, ORD, RAT = "delivery", "ordering", "rating"
DEFAULT_CRITERIA = ("quality_quantity", "cost", "timeliness", "service")
SHIPPING = (
    ("packed", "dikemas di gudang Surabaya"),
    ("shipped", "diserahkan ke kurir, surat jalan terlampir"),
    ("in_transit", "dalam perjalanan Surabaya - Mojokerto"),
    ("delivered", "diterima di gudang Dinas Kesehatan"),
)


async def delivery_steps(run: Run) -> None:
    """Steps 23–27: preparation, the addendum or not, shipping, BAP/BAST/payment, completion."""
    assert run.outcome.winner is not None
    vendor, pid = run.outcome.winner, run.outcome.procurement_id
    api, base = run.api, f"/fulfilments/{pid}"
    await _fulfilment(run, vendor, lambda f: f["state"] == "ready_for_preparation", "the order")
    started = await api.call(DLV, "POST", f"{base}/start-preparation", headers=_h(run, vendor))
    run.record("23", vendor.name, "started preparing the goods", started["state"], DLV)
    await _addendum_or_not(run, vendor)
    for status, note in SHIPPING:
        form = {"status": status, "courier": "JNE Trucking", "tracking_number": "JT0012345678"}
        extra = {"files": {"document": pdf("surat-jalan.pdf")}} if status == "shipped" else {}
        shipped = await api.call(
            DLV,
            "POST",
            f"{base}/shipments",
            headers=_h(run, vendor),
            data=form | {"note": note},
            **extra,
        )
        run.record("25", vendor.name, f"shipping status '{status}': {note}", shipped["state"], DLV)
    await _receive_and_pay(run)
    done = await api.call(DLV, "POST", f"{base}/complete", headers=run.cast.ppk_headers())
    run.record("27", "ppk", "completed the package", done["state"], DLV)
    await rate(run, vendor)


def _h(run: Run, vendor: Vendor) -> dict[str, str]:
    return run.vendor_headers(vendor)


async def _fulfilment(run: Run, vendor: Vendor, until: Any, what: str) -> dict[str, Any]:
    return await run.api.poll(
        DLV,
        f"/fulfilments/{run.outcome.procurement_id}",
        headers=_h(run, vendor),
        until=until,
        what=f"delivery to follow {what}",
        timeout=run.timeout,
    )


async def _addendum_or_not(run: Run, vendor: Vendor) -> None:
    """Step 24: (a) the PPK amends the order (one more laptop) and delivery follows version 2;
    (b) the order stands and the vendor goes on to shipping."""
    if not run.branches.addendum:
        seen = await _fulfilment(run, vendor, lambda f: True, "the order")
        what = f"no addendum: order version {seen['order']['version']} stands, on to shipping"
        run.record("24b", vendor.name, what, seen["state"], DLV)
        return
    form = {
        "reason": "Penambahan 1 unit untuk Puskesmas Mojosari",
        # line 1 (the laptops) goes to 11 units: repeated line_no/quantity pairs
        "line_no": ["1"],
        "quantity": ["11"],
    }
    base = f"/packages/{run.outcome.package_id}/purchase-order/addenda"
    amended = await run.api.call(
        ORD,
        "POST",
        base,
        headers=run.cast.ppk_headers(),
        data=form,
        files={"document": pdf("addendum-sp.pdf")},
    )
    order = amended["purchase_order"]
    version = order["version"]
    seen = await _fulfilment(
        run, vendor, lambda f: f["order"]["version"] == version, f"addendum {version}"
    )
    total = rupiah(order["versions"][-1]["total"])
    what = f"amended the order (addendum {version}: 11 units, {total}): {form['reason']}"
    run.record("24a", "ppk", what, seen["state"], ORD)


async def _receive_and_pay(run: Run) -> None:
    """Step 26: inspection (BAP), handover (BAST), then the payments with their receipts."""
    api, ppk, base = run.api, run.cast.ppk_headers(), f"/fulfilments/{run.outcome.procurement_id}"
    for path, field, what in (
        ("inspection", "bap", "inspected the goods (Berita Acara Pemeriksaan)"),
        ("handover", "bast", "took over the goods (Berita Acara Serah Terima)"),
    ):
        done = await api.call(
            DLV, "POST", f"{base}/{path}", headers=ppk, files={field: pdf(f"{field}.pdf")}
        )
        run.record("26", "ppk", what, done["state"], DLV)
    fulfilment = await api.call(DLV, "GET", base, headers=ppk)
    total = fulfilment["order"]["total"]
    parts = max(1, run.branches.instalments)
    amounts = [total // parts] * (parts - 1)
    amounts.append(total - sum(amounts))
    for number, amount in enumerate(amounts, start=1):
        paid = await api.call(
            DLV,
            "POST",
            f"{base}/payments",
            headers=ppk,
            data={"amount": str(amount)},
            files={"payment_document": pdf("sp2d.pdf"), "receipt": pdf("kwitansi.pdf")},
        )
        label = f" (instalment {number}/{parts})" if parts > 1 else ""
        what = f"recorded payment {rupiah(amount)}{label} with SP2D and kwitansi"
        run.record("26", "ppk", what, paid["state"], DLV)


async def rate(run: Run, vendor: Vendor) -> None:
    """Step 27: the PPK rates the vendor once the rating service opened the rating."""
    ppk, pid = run.cast.ppk_headers(), run.outcome.procurement_id
    found = await run.api.poll(
        RAT,
        f"/ratings?procurement_id={pid}&state=pending",
        headers=ppk,
        until=lambda page: any(r["procurement_id"] == pid for r in page["items"]),
        what="the rating service to open the rating",
        timeout=run.timeout,
    )
    pending = next(r for r in found["items"] if r["procurement_id"] == pid)
    # A pending rating does not carry the scheme yet: the default criteria and 1–3 scale.
    top = pending.get("scale_max") or 3
    keys = list(pending.get("weights") or DEFAULT_CRITERIA)
    scores = {key: top for key in keys} | ({"cost": top - 1} if "cost" in keys else {})
    body = {
        "procurement_id": pid,
        "scores": scores,
        "comment": "Barang sesuai spesifikasi dan tiba tepat waktu; harga cukup bersaing.",
    }
    rated = await run.api.call(RAT, "POST", "/ratings", headers=ppk, json=body)
    run.outcome.rating_id = rated["id"]
    what = f"rated {vendor.name}: {scores} -> {rated['weighted_result']}"
    run.record("27", "ppk", what, rated["state"], RAT)
