"""SOP steps 14–22 on the ordering service: the package, the e-mail, negotiation, the PPK's
review and the purchase order (Surat Pesanan)."""

from typing import Any

from epurchasing_demo.catalogue import rupiah
from epurchasing_demo.model import Run, pdf

ORD = "ordering"


def _cut(price: int, percent: int) -> int:
    """A negotiated price: ``percent`` off, rounded down to a thousand rupiah."""
    return max(1, price * (100 - percent) // 100 // 1000 * 1000)


def _prices(lines: list[dict[str, Any]], percent: int) -> list[dict[str, int]]:
    return [{"line_no": x["line_no"], "unit_price": _cut(x["unit_price"], percent)} for x in lines]


async def ordering_steps(run: Run, package: dict[str, Any], reject: bool) -> bool:
    """Steps 14–22; False when the PPK rejected the package (20b) instead."""
    api, ppk = run.api, run.cast.ppk_headers()
    base = f"/packages/{package['package_id']}"
    await to_the_ppk(run, package)
    vendor = run.vendor(package["vendor"]["id"])
    if reject:
        reason = {"reason": "Spesifikasi garansi tidak sesuai kebutuhan Puskesmas"}
        done = await api.call(ORD, "POST", f"{base}/ppk-reject", headers=ppk, json=reason)
        run.record("20b", "ppk", f"rejected the package: {reason['reason']}", done["state"], ORD)
        return False
    done = await api.call(ORD, "POST", f"{base}/ppk-approve", headers=ppk)
    run.record("20a", "ppk", "reviewed and approved the package", done["state"], ORD)
    await _purchase_order(run, base, vendor)
    return True


async def to_the_ppk(run: Run, package: dict[str, Any]) -> dict[str, Any]:
    """Steps 14–19, up to the package sent to the PPK (its body, with the PPK's turn)."""
    api, official = run.api, run.cast.official_headers()
    base = f"/packages/{package['package_id']}"
    await api.poll(
        ORD,
        base,
        headers=official,
        until=lambda body: body["state"] == "received",
        what="ordering to receive the generated package",
        timeout=run.timeout,
    )
    processed = await api.call(ORD, "POST", f"{base}/process", headers=official)
    run.record("14", "official", "processed the e-purchasing package", processed["state"], ORD)
    vendor = run.vendor(package["vendor"]["id"])
    mailed = await api.poll(
        ORD,
        base,
        headers=official,
        until=lambda body: (body.get("vendor_email") or {}).get("status") == "sent",
        what="the vendor's e-mail to be sent",
        timeout=run.timeout,
    )
    email = mailed["vendor_email"]
    what = f"received the e-mail at {email['recipient']} ({email['message_id']})"
    run.record("15", vendor.name, what, mailed["state"], ORD)
    seen = await api.call(ORD, "GET", base, headers=run.vendor_headers(vendor))
    what = f"signed in and reviewed the purchase request ({rupiah(seen['total'])})"
    run.record("16", vendor.name, what, seen["state"], ORD)
    await negotiate(run, base, seen)
    approved = await api.call(ORD, "POST", f"{base}/approve", headers=run.vendor_headers(vendor))
    run.record("18", vendor.name, "approved the purchase request", approved["state"], ORD)
    sent = await api.call(ORD, "POST", f"{base}/send-to-ppk", headers=official)
    run.record("19", "official", "sent the package to the PPK", sent["state"], ORD)
    return dict(sent)


async def negotiate(run: Run, base: str, package: dict[str, Any]) -> None:
    """Step 17: one proposal the vendor accepts, or ``rejected_rounds`` rejected proposals (the
    vendor counters) and then the official accepts the vendor's last counter-prices."""
    api, official = run.api, run.cast.official_headers()
    vendor = run.vendor(package["vendor"]["id"])
    lines, shipping = package["lines"], package["shipping_cost"]
    rounds = run.branches.rejected_rounds if run.negotiations == 0 else 0
    run.negotiations += 1
    if rounds == 0:
        proposal = {"prices": _prices(lines, 2), "shipping_cost": shipping}
        await _propose(run, base, proposal, 1)
        done = await api.call(
            ORD,
            "POST",
            f"{base}/negotiation/proposals/1/accept",
            headers=run.vendor_headers(vendor),
        )
        run.record("17a", vendor.name, "agreed to the negotiated price", done["state"], ORD)
        return
    standing = {"prices": [dict(p) for p in _prices(lines, 0)], "shipping_cost": shipping}
    for number in range(1, rounds + 1):
        # Prices only go down: the first round cuts 5 %, later ones also ask for free shipping;
        # the vendor counters with the prices that stood before the round.
        proposal = {"prices": _prices(lines, 5), "shipping_cost": 0 if number > 1 else shipping}
        await _propose(run, base, proposal, number)
        counter = {
            "counter_prices": standing["prices"] if number == 1 else proposal["prices"],
            "counter_shipping_cost": standing["shipping_cost"],
            "reason": "Harga tersebut di bawah harga pokok kami",
        }
        done = await api.call(
            ORD,
            "POST",
            f"{base}/negotiation/proposals/{number}/reject",
            headers=run.vendor_headers(vendor),
            json=counter,
        )
        countered = rupiah(counter["counter_prices"][0]["unit_price"])
        what = f"rejected round {number}, countering {countered} per unit"
        run.record("17b", vendor.name, what, done["state"], ORD)
        standing = proposal
    done = await api.call(ORD, "POST", f"{base}/negotiation/accept-counter", headers=official)
    what = f"accepted the vendor's counter-prices ({rupiah(done['total'])})"
    run.record("17a", "official", what, done["state"], ORD)


async def _propose(run: Run, base: str, proposal: dict[str, Any], number: int) -> None:
    done = await run.api.call(
        ORD,
        "POST",
        f"{base}/negotiation/proposals",
        headers=run.cast.official_headers(),
        json=proposal,
    )
    unit = rupiah(proposal["prices"][0]["unit_price"])
    what = f"proposed round {number}: {unit} per unit, ongkir {rupiah(proposal['shipping_cost'])}"
    run.record("17", "official", what, done["state"], ORD)


async def _purchase_order(run: Run, base: str, vendor: Any) -> None:
    """Steps 21–22: the signed Surat Pesanan, then the vendor's acknowledgement."""
    api, ppk = run.api, run.cast.ppk_headers()
    form = {
        "signatory": run.cast.ppk.name,
        "terms": "Pembayaran setelah BAST; garansi resmi 2 tahun; denda keterlambatan 1 per mil.",
    }
    issued = await api.call(
        ORD,
        "POST",
        f"{base}/purchase-order",
        headers=ppk,
        data=form,
        files={"document": pdf("surat-pesanan.pdf")},
    )
    order = issued["purchase_order"]
    run.outcome.order_number = order["number"]
    what = f"issued Surat Pesanan {order['number']} ({rupiah(order['versions'][0]['total'])})"
    run.record("21", "ppk", what, issued["state"], ORD)
    acked = await api.call(
        ORD, "POST", f"{base}/purchase-order/acknowledge", headers=run.vendor_headers(vendor)
    )
    run.record("22", vendor.name, "reviewed and acknowledged the order", acked["state"], ORD)
