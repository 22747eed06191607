"""A small, realistic e-catalogue: laptop vendors of East Java with rupiah prices, and their offers.

Seeding is idempotent: a vendor is found by its e-mail and a product by vendor, category and
name before anything is created, so the demo can run again against the same services.
"""

from dataclasses import dataclass
from typing import Any

from epurchasing_demo.client import Api


@dataclass(frozen=True)
class VendorSpec:
    name: str
    email: str
    user: str  # the vendor's user account (token subject)
    product: str
    catalogue_price: int  # the listed unit price: the offer ceiling
    offer_price: int  # what the vendor offers in the mini-competition
    shipping_cost: int
    delivery_days: int


@dataclass(frozen=True)
class CatalogueSpec:
    category: str
    vendors: tuple[VendorSpec, ...]


@dataclass(frozen=True)
class Vendor:
    """A vendor as seeded: its ids in the competition service, and its spec."""

    id: str
    product_id: str
    spec: VendorSpec

    @property
    def name(self) -> str:
        return self.spec.name


def demo_catalogue(tag: str | None = None) -> CatalogueSpec:
    """Three laptop vendors; ``tag`` makes the category and e-mails unique (tests share one
    competition database between procurements that must not see each other's vendors)."""
    suffix = f"-{tag}" if tag else ""
    box = f".{tag}" if tag else ""
    vendors = (
        VendorSpec(
            "CV Maju Jaya Komputer",
            f"penjualan{box}@majujayakomputer.example.id",
            "majujaya-andi",
            "ASUS VivoBook 14 A1404 (Core i5-1335U, RAM 16 GB, SSD 512 GB)",
            10_499_000,
            9_950_000,
            250_000,
            7,
        ),
        VendorSpec(
            "PT Sinar Nusantara Teknologi",
            f"tender{box}@sinarnusantara-tek.example.id",
            "sinar-dewi",
            "Lenovo IdeaPad Slim 3 14 (Core i5-12450H, RAM 16 GB, SSD 512 GB)",
            11_250_000,
            10_800_000,
            0,
            10,
        ),
        VendorSpec(
            "CV Berkah Abadi Elektronika",
            f"marketing{box}@berkahabadi.example.id",
            "berkah-rudi",
            "Acer Aspire 5 A514 (Core i5-1235U, RAM 16 GB, SSD 512 GB)",
            9_875_000,
            9_650_000,
            350_000,
            5,
        ),
    )
    return CatalogueSpec(category=f"laptop{suffix}", vendors=vendors)


async def _all(api: Api, path: str, headers: dict[str, str], **params: str) -> list[dict]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        query = {**params, "limit": "200"} | ({"cursor": cursor} if cursor else {})
        page = await api.call("competition", "GET", path, headers=headers, params=query)
        items.extend(page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            return items


async def seed_catalogue(api: Api, admin: dict[str, str], spec: CatalogueSpec) -> list[Vendor]:
    """The admin lists the vendors and their products (finding those already there)."""
    known = {v["email"]: v for v in await _all(api, "/catalogue/vendors", admin)}
    listed = await _all(api, "/catalogue/products", admin, category=spec.category)
    seeded = []
    for vendor in spec.vendors:
        row = known.get(vendor.email) or await api.call(
            "competition",
            "POST",
            "/catalogue/vendors",
            headers=admin,
            json={"name": vendor.name, "email": vendor.email},
            expect=(201,),
        )
        product = next(
            (p for p in listed if p["vendor_id"] == row["id"] and p["name"] == vendor.product),
            None,
        ) or await api.call(
            "competition",
            "POST",
            "/catalogue/products",
            headers=admin,
            json={
                "vendor_id": row["id"],
                "category": spec.category,
                "name": vendor.product,
                "unit": "unit",
                "unit_price": vendor.catalogue_price,
            },
            expect=(201,),
        )
        seeded.append(Vendor(id=str(row["id"]), product_id=str(product["id"]), spec=vendor))
    return seeded


def rupiah(amount: int) -> str:
    """``Rp 9.650.000`` (Indonesian thousands separator)."""
    return "Rp " + f"{amount:,}".replace(",", ".")
