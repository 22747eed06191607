"""One realistic example of every event type: a procurement of laptops by a regency's health
office (Dinas Kesehatan Kabupaten Mojokerto), told from request (step 3) to rating (step 27).

The AsyncAPI documents and the published JSON Schemas carry these examples; subscribers may
use them as test data. ``example_event`` wraps a payload in its CloudEvents envelope.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from uuid import UUID, uuid5

from epurchasing_contracts import competition as c
from epurchasing_contracts import delivery as d
from epurchasing_contracts import ordering as o
from epurchasing_contracts import rating as r
from epurchasing_contracts.common import OrderLine, Party, StepOverdue, VendorRef
from epurchasing_contracts.envelope import Actor, CloudEvent, EventPayload, make_event

_NAMESPACE = UUID("6f1c7d52-2d8e-4c59-9a57-0f6e3c1b9a10")
WIB = timezone(timedelta(hours=7), "WIB")


def _id(name: str) -> UUID:
    return uuid5(_NAMESPACE, name)


def _at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


PROCUREMENT_ID = _id("purchase-request")  # the procurement id is the purchase request's id
PACKAGE_ID, ORDER_ID, COMPETITION_ID = _id("package"), _id("order"), _id("competition")
WORK_UNIT = "Dinas Kesehatan Kabupaten Mojokerto"
PPK = Party(id="ppk-budi", name="Budi Santoso, S.Kom.")
OFFICIAL = Party(id="pp-sari", name="Sari Wulandari, S.E.")
VENDOR = VendorRef(
    id=_id("vendor-maju-jaya"),
    name="CV Maju Jaya Komputer",
    email="penjualan@majujayakomputer.example.id",
)
OTHER_VENDOR_ID, BLACKLISTED_VENDOR_ID = _id("vendor-sinar"), _id("vendor-karya")
LAPTOP = "ASUS VivoBook 14 A1404 (Core i5-1335U, RAM 16 GB, SSD 512 GB)"
LINES = [
    OrderLine(
        line_no=1,
        product_id=_id("product-vivobook"),
        description=LAPTOP,
        quantity=10,
        unit="unit",
        unit_price=9_950_000,
        line_total=99_500_000,
    )
]
SHIPPING, SUBTOTAL, TOTAL, PAGU = 250_000, 99_500_000, 99_750_000, 120_000_000
ADDRESS = "Jl. Raya Jabon KM 6, Mojoanyar, Kabupaten Mojokerto, Jawa Timur 61364"
DEADLINE = date(2026, 4, 10)
ORDER_NUMBER = "SP/DINKES/2026/0042"
RUP_CODE = "RUP-2026-1.02.0042"
TITLE = "Pengadaan Laptop untuk Puskesmas se-Kabupaten Mojokerto"


def _doc(kind: str, filename: str, size: int) -> d.DocumentReference:
    return d.DocumentReference(
        id=_id(f"document-{kind}"),
        kind=kind,
        filename=filename,
        media_type="application/pdf",
        size=size,
        sha256=uuid5(_NAMESPACE, filename).hex * 2,
    )


_WINNER = c.RankedOffer(
    rank=1,
    offer_id=_id("offer-maju-jaya"),
    vendor_id=VENDOR.id,
    vendor_name=VENDOR.name,
    evaluated_price=99_750_000,
    submitted_at=_at(12, 9, 15),
)
_RUNNER_UP = c.RankedOffer(
    rank=2,
    offer_id=_id("offer-sinar"),
    vendor_id=OTHER_VENDOR_ID,
    vendor_name="PT Sinar Nusantara Teknologi",
    evaluated_price=108_000_000,
    submitted_at=_at(12, 14, 40),
)
_PPK_ROLE, _OFFICIAL_ROLE, _VENDOR_ROLE = "ppk", "procurement_official", "vendor"


@dataclass(frozen=True)
class Example:
    """A payload with the envelope facts around it: when, which SOP step, who acted."""

    payload: EventPayload
    time: datetime
    sop_step: str
    summary: str
    actor: Actor | None = None  # None: the system acted by itself
    about_vendor: UUID | None = None  # set for the blacklist events (no procurement)


def _ppk() -> Actor:
    return Actor(id=PPK.id, role=_PPK_ROLE)


def _official() -> Actor:
    return Actor(id=OFFICIAL.id, role=_OFFICIAL_ROLE)


def _vendor() -> Actor:
    return Actor(id="majujaya-andi", role=_VENDOR_ROLE)


_ADMIN = Actor(id="admin-ukpbj", role="admin")

_COMPETITION: list[Example] = [
    Example(
        c.PurchaseRequestSubmitted(
            purchase_request_id=PROCUREMENT_ID,
            title=TITLE,
            rup_code=RUP_CODE,
            fiscal_year=2026,
            pagu=PAGU,
            work_unit=WORK_UNIT,
            ppk=PPK,
            official=OFFICIAL,
        ),
        _at(2, 9),
        "3",
        "The PPK submitted a purchase request for ten laptops.",
        _ppk(),
    ),
    Example(
        c.PurchaseRequestAccepted(purchase_request_id=PROCUREMENT_ID, official=OFFICIAL),
        _at(3, 10),
        "4",
        "The procurement official accepted the request.",
        _official(),
    ),
    Example(
        c.PurchaseRequestReturned(
            purchase_request_id=PROCUREMENT_ID,
            official=OFFICIAL,
            reason="Spesifikasi teknis belum mencantumkan kapasitas SSD minimal.",
        ),
        _at(3, 10),
        "4",
        "The procurement official returned the request to the PPK.",
        _official(),
    ),
    Example(
        c.CompetitionOpened(
            competition_id=COMPETITION_ID,
            purchase_request_id=PROCUREMENT_ID,
            kind="product",
            items=[
                c.CompetitionItem(
                    line_no=1,
                    category="laptop",
                    product_id=LINES[0].product_id,
                    description=LAPTOP,
                    quantity=10,
                    unit="unit",
                )
            ],
            offer_deadline=_at(13, 16),
            eligible_vendor_ids=[VENDOR.id, OTHER_VENDOR_ID],
        ),
        _at(9, 8, 30),
        "9",
        "The official opened a mini-competition among the catalogue's laptop vendors.",
        _official(),
    ),
    Example(
        c.OfferSubmitted(
            competition_id=COMPETITION_ID,
            offer_id=_WINNER.offer_id,
            vendor_id=VENDOR.id,
            submitted_at=_WINNER.submitted_at,
        ),
        _WINNER.submitted_at,
        "10",
        "A vendor submitted a sealed offer (no price until the deadline).",
        _vendor(),
    ),
    Example(
        c.CompetitionSucceeded(
            competition_id=COMPETITION_ID, winner=_WINNER, ranked_offers=[_WINNER, _RUNNER_UP]
        ),
        _at(13, 16, 1),
        "11",
        "The offer deadline passed: the lowest evaluated offer wins.",
    ),
    Example(
        c.CompetitionFailed(competition_id=COMPETITION_ID, reason="no_offers"),
        _at(13, 16, 1),
        "11",
        "The offer deadline passed without a valid offer.",
    ),
    Example(
        c.CompetitionPublished(
            competition_id=COMPETITION_ID,
            outcome="succeeded",
            leaderboard=[_WINNER, _RUNNER_UP],
        ),
        _at(14, 9),
        "12",
        "The official published the result and its leaderboard.",
        _official(),
    ),
    Example(
        c.PackageGenerated(
            package_id=PACKAGE_ID,
            purchase_request_id=PROCUREMENT_ID,
            competition_id=COMPETITION_ID,
            offer_id=_WINNER.offer_id,
            title=TITLE,
            rup_code=RUP_CODE,
            fiscal_year=2026,
            work_unit=WORK_UNIT,
            ppk=PPK,
            official=OFFICIAL,
            vendor=VENDOR,
            lines=LINES,
            shipping_cost=SHIPPING,
            subtotal=SUBTOTAL,
            total=TOTAL,
            pagu=PAGU,
            delivery_address=ADDRESS,
            delivery_deadline=DEADLINE,
            delivery_days=7,
        ),
        _at(14, 9, 5),
        "13",
        "The purchase request data became a package for ordering.",
        _official(),
    ),
]

_ORDERING: list[Example] = [
    Example(
        o.PackageReceived(
            package_id=PACKAGE_ID,
            competition_id=COMPETITION_ID,
            work_unit=WORK_UNIT,
            official=OFFICIAL,
            vendor=VENDOR,
        ),
        _at(16, 7, 30),
        "13",
        "The package arrived in ordering; the official's turn to process it.",
    ),
    Example(
        o.PackageProcessing(
            package_id=PACKAGE_ID, work_unit=WORK_UNIT, official=OFFICIAL, vendor=VENDOR
        ),
        _at(16, 8),
        "14",
        "The official started processing the package.",
        _official(),
    ),
    Example(
        o.VendorNotified(
            package_id=PACKAGE_ID,
            vendor_id=VENDOR.id,
            recipient=str(VENDOR.email),
            message_id="<20260316010512.42@epurchasing.mojokertokab.go.id>",
            attempts=1,
            sent_at=_at(16, 8, 5),
        ),
        _at(16, 8, 5),
        "15",
        "The vendor was notified by e-mail.",
    ),
    Example(
        o.NegotiationProposed(
            package_id=PACKAGE_ID,
            round=1,
            prices=[o.ItemPrice(line_no=1, unit_price=9_800_000)],
            shipping_cost=SHIPPING,
            total=98_250_000,
        ),
        _at(17, 10),
        "17",
        "The official proposed lower unit prices.",
        _official(),
    ),
    Example(
        o.NegotiationRejected(
            package_id=PACKAGE_ID,
            round=1,
            counter_prices=[o.ItemPrice(line_no=1, unit_price=9_900_000)],
            counter_shipping_cost=SHIPPING,
            reason="Harga distributor naik sejak penawaran diajukan.",
        ),
        _at(17, 15),
        "17b",
        "The vendor rejected the proposal with counter-prices.",
        _vendor(),
    ),
    Example(
        o.NegotiationAgreed(
            package_id=PACKAGE_ID,
            round=1,
            agreed_by="counter_accepted",
            lines=LINES,
            shipping_cost=SHIPPING,
            total=TOTAL,
        ),
        _at(18, 9),
        "17a",
        "The negotiation ended with agreed prices.",
        _official(),
    ),
    Example(
        o.VendorApproved(
            package_id=PACKAGE_ID, vendor=VENDOR, lines=LINES, shipping_cost=SHIPPING, total=TOTAL
        ),
        _at(18, 11),
        "18",
        "The vendor approved the package.",
        _vendor(),
    ),
    Example(
        o.PackageSentToPpk(package_id=PACKAGE_ID, ppk=PPK, total=TOTAL),
        _at(18, 13),
        "19",
        "The official sent the package to the PPK for approval.",
        _official(),
    ),
    Example(
        o.PackageApproved(package_id=PACKAGE_ID, ppk=PPK, total=TOTAL),
        _at(19, 9),
        "20a",
        "The PPK approved the package.",
        _ppk(),
    ),
    Example(
        o.PackageCancelled(
            package_id=PACKAGE_ID,
            purchase_request_id=PROCUREMENT_ID,
            competition_id=COMPETITION_ID,
            reason="Anggaran dialihkan untuk penanganan KLB demam berdarah.",
            cancelled_at=_at(19, 9),
        ),
        _at(19, 9),
        "20b",
        "The PPK cancelled the package: the request goes back to competition.",
        _ppk(),
    ),
    Example(
        o.OrderIssued(
            package_id=PACKAGE_ID,
            order_id=ORDER_ID,
            order_number=ORDER_NUMBER,
            version=1,
            order_date=date(2026, 3, 19),
            work_unit=WORK_UNIT,
            ppk=PPK,
            vendor=VENDOR,
            lines=LINES,
            shipping_cost=SHIPPING,
            total=TOTAL,
            pagu=PAGU,
            delivery_address=ADDRESS,
            delivery_deadline=DEADLINE,
        ),
        _at(19, 10),
        "21",
        "The PPK issued the purchase order (surat pesanan).",
        _ppk(),
    ),
    Example(
        o.OrderAcknowledged(
            package_id=PACKAGE_ID,
            order_id=ORDER_ID,
            order_number=ORDER_NUMBER,
            version=1,
            acknowledged_at=_at(19, 14),
        ),
        _at(19, 14),
        "22",
        "The vendor acknowledged the order.",
        _vendor(),
    ),
    Example(
        o.OrderAmended(
            package_id=PACKAGE_ID,
            order_id=ORDER_ID,
            order_number=ORDER_NUMBER,
            version=2,
            lines=LINES,
            shipping_cost=SHIPPING,
            total=TOTAL,
            delivery_deadline=date(2026, 4, 14),
            reason="Jalan menuju gudang Dinkes ditutup karena banjir; tenggat diundur.",
        ),
        _at(25, 11),
        "24a",
        "The PPK amended the order (an addendum).",
        _ppk(),
    ),
]

_DELIVERY: list[Example] = [
    Example(
        d.PreparationStarted(
            package_id=PACKAGE_ID,
            order_id=ORDER_ID,
            order_number=ORDER_NUMBER,
            order_version=1,
            vendor_id=VENDOR.id,
            started_at=_at(20, 8),
        ),
        _at(20, 8),
        "23",
        "The vendor started preparing the goods.",
        _vendor(),
    ),
    Example(
        d.ShipmentRecorded(
            package_id=PACKAGE_ID,
            order_id=ORDER_ID,
            entry_no=2,
            status="shipped",
            courier="JNE Trucking",
            tracking_number="JT2026031900042",
            happened_at=_at(27, 13),
            note="10 koli, diasuransikan.",
            document=_doc("delivery_document", "surat-jalan-0042.pdf", 184_320),
            recorded_at=_at(27, 13, 10),
        ),
        _at(27, 13, 10),
        "25",
        "The vendor recorded a shipping status.",
        _vendor(),
    ),
    Example(
        d.GoodsInspected(
            package_id=PACKAGE_ID,
            order_id=ORDER_ID,
            bap=_doc("bap", "BAP-pemeriksaan-0042.pdf", 256_000),
            note="Sepuluh unit diperiksa, semua sesuai spesifikasi.",
            inspected_at=_at(3, 10, month=4),
        ),
        _at(3, 10, month=4),
        "26",
        "The PPK inspected the goods (berita acara pemeriksaan).",
        _ppk(),
    ),
    Example(
        d.GoodsHandedOver(
            package_id=PACKAGE_ID,
            order_id=ORDER_ID,
            bast=_doc("bast", "BAST-0042.pdf", 242_688),
            handed_over_at=_at(3, 14, month=4),
        ),
        _at(3, 14, month=4),
        "26",
        "The goods were handed over (berita acara serah terima).",
        _ppk(),
    ),
    Example(
        d.PaymentRecorded(
            package_id=PACKAGE_ID,
            order_id=ORDER_ID,
            payment_no=1,
            amount=TOTAL,
            paid_so_far=TOTAL,
            order_total=TOTAL,
            remaining=0,
            fully_paid=True,
            payment_document=_doc("payment_document", "SP2D-2026-0042.pdf", 98_304),
            receipt=_doc("receipt", "kuitansi-0042.pdf", 65_536),
            recorded_at=_at(15, 10, month=4),
        ),
        _at(15, 10, month=4),
        "26",
        "The PPK recorded a payment with its SP2D and receipt.",
        _ppk(),
    ),
    Example(
        d.PackageCompleted(
            package_id=PACKAGE_ID,
            order_id=ORDER_ID,
            order_number=ORDER_NUMBER,
            vendor=VENDOR,
            ppk=PPK,
            work_unit=WORK_UNIT,
            order_total=TOTAL,
            promised_delivery_date=date(2026, 4, 14),
            actual_delivery_date=date(2026, 4, 3),
            on_time=True,
            completed_at=_at(16, 9, month=4),
        ),
        _at(16, 9, month=4),
        "27",
        "The PPK completed the paid package.",
        _ppk(),
    ),
]

_RATING: list[Example] = [
    Example(
        r.VendorRated(
            rating_id=_id("rating"),
            package_id=PACKAGE_ID,
            vendor_id=VENDOR.id,
            vendor_name=VENDOR.name,
            ppk=PPK,
            work_unit=WORK_UNIT,
            scores={"quality": 3, "timeliness": 3, "service": 2},
            weights={"quality": 40, "timeliness": 40, "service": 20},
            scale_min=1,
            scale_max=3,
            weighted_points=280,
            weight_total=100,
            weighted_result=Decimal("2.80"),
            comment="Barang sesuai, pengiriman lebih cepat dari jadwal.",
            rated_at=_at(17, 9, month=4),
        ),
        _at(17, 9, month=4),
        "27",
        "The PPK rated the vendor's performance.",
        _ppk(),
    ),
    Example(
        r.VendorBlacklisted(
            entry_id=_id("blacklist-entry"),
            vendor_id=BLACKLISTED_VENDOR_ID,
            vendor_name="CV Karya Mandiri Sejahtera",
            reason="Memalsukan dokumen penawaran.",
            decree_reference="188.45/112/KEP/416-012/2026",
            starts_on=date(2026, 3, 1),
            ends_on=date(2027, 2, 28),
            recorded_at=_at(1, 9),
        ),
        _at(1, 9),
        "11b",
        "The admin blacklisted a vendor (it may not win competitions).",
        _ADMIN,
        about_vendor=BLACKLISTED_VENDOR_ID,
    ),
    Example(
        r.VendorBlacklistLifted(
            entry_id=_id("blacklist-entry"),
            vendor_id=BLACKLISTED_VENDOR_ID,
            reason="Dibatalkan oleh putusan PTUN Surabaya.",
            lifted_at=_at(20, 9, month=5),
        ),
        _at(20, 9, month=5),
        "11b",
        "The admin lifted a blacklisting.",
        _ADMIN,
        about_vendor=BLACKLISTED_VENDOR_ID,
    ),
    Example(
        r.VendorFlaggedForReview(
            vendor_id=OTHER_VENDOR_ID,
            vendor_name="PT Sinar Nusantara Teknologi",
            average=Decimal("1.45"),
            rating_count=4,
            threshold=Decimal("1.50"),
            minimum_ratings=3,
            rating_id=_id("rating-sinar-4"),
            flagged_at=_at(17, 9, 1, month=4),
        ),
        _at(17, 9, 1, month=4),
        "27",
        "A vendor's average rating fell below the review threshold.",
    ),
]


def _overdue(kind: type[StepOverdue], aggregate: str, step: str, role: str, **at: int) -> Example:
    """A turn whose due time (end of a working day, WIB) passed: the scanner's event."""
    started, due = (
        _at(at["start"], 10, month=at["month"]),
        _at(at["due"], 23, 59, month=at["month"]),
    )
    detected = due + timedelta(seconds=61)
    return Example(
        kind(
            procurement_id=PROCUREMENT_ID,
            aggregate=aggregate,
            aggregate_id=_id(aggregate),
            sop_step=step,
            actor_role=role,
            actor_id={_VENDOR_ROLE: str(VENDOR.id), _PPK_ROLE: PPK.id}.get(role, OFFICIAL.id),
            work_unit=WORK_UNIT,
            started_at=started,
            due_at=due,
            detected_at=detected,
            late_seconds=61,
            late_working_days=0,
        ),
        detected,
        step,
        f"The {role}'s turn at step {step} passed its due time without the step being done.",
    )


_OVERDUE: list[Example] = [
    _overdue(
        c.CompetitionStepOverdue, "purchase_request", "4", _OFFICIAL_ROLE, start=2, due=3, month=3
    ),
    _overdue(o.OrderingStepOverdue, "package", "20", _PPK_ROLE, start=9, due=12, month=3),
    _overdue(d.DeliveryStepOverdue, "fulfilment", "23", _VENDOR_ROLE, start=30, due=31, month=3),
    _overdue(r.RatingStepOverdue, "rating", "27", _PPK_ROLE, start=16, due=17, month=4),
]

EXAMPLES: dict[str, Example] = {
    type(example.payload).event_type: example
    for example in (*_COMPETITION, *_ORDERING, *_DELIVERY, *_RATING, *_OVERDUE)
}


def example_of(event_type: str) -> Example:
    try:
        return EXAMPLES[event_type]
    except KeyError:
        raise LookupError(
            f"no example of {event_type}: every event type needs one in "
            "epurchasing_contracts.examples (the AsyncAPI documents and schemas carry it)"
        ) from None


def example_event(event_type: str, *, procurement_id: UUID = PROCUREMENT_ID) -> CloudEvent:
    """The example of ``event_type`` in its envelope, with an id fixed by type and procurement."""
    example = example_of(event_type)
    about_procurement = example.about_vendor is None
    event = make_event(
        service=event_type.split(".", 1)[0],
        payload=example.payload,
        procurement_id=procurement_id if about_procurement else None,
        time=example.time,
        subject=None if about_procurement else f"vendor/{example.about_vendor}",
        actor=example.actor,
        sop_step=example.sop_step,
    )
    event_id = uuid5(_NAMESPACE, f"{event_type}/{procurement_id}")
    return event.model_copy(update={"id": event_id})
