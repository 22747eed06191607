"""Use cases of the catalogue (vendors, categories, products) and its all-or-nothing import."""

import csv
import io
import json
from typing import Any
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters import catalogue_repository as catalogue
from competition.domain.limits import MAX_RUPIAH
from epurchasing_shared.http.problems import Conflict, Invalid, NotFound
from epurchasing_shared.service import Runtime


class VendorData(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr


class ProductData(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    vendor_id: UUID
    category: str = Field(min_length=1, max_length=120)
    name: str = Field(min_length=1, max_length=300)
    unit: str = Field(min_length=1, max_length=40)
    unit_price: int = Field(ge=1, le=MAX_RUPIAH, description="Listed unit price, whole rupiah")


class ImportRow(BaseModel):
    """One product of the import file, with the vendor that lists it (found by e-mail)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    vendor_name: str = Field(min_length=1, max_length=200)
    vendor_email: EmailStr
    category: str = Field(min_length=1, max_length=120)
    product_name: str = Field(min_length=1, max_length=300)
    unit: str = Field(min_length=1, max_length=40)
    unit_price: int = Field(ge=1, le=MAX_RUPIAH)


async def create_vendor(
    runtime: Runtime, session: AsyncSession, data: VendorData
) -> dict[str, Any]:
    """Add a vendor with its registered e-mail (the address step 15 writes to)."""
    if await catalogue.vendor_by_email(session, data.email):
        raise Conflict(f"a vendor with e-mail {data.email} exists")
    values = {
        "id": uuid4(),
        "name": data.name,
        "email": str(data.email),
        "created_at": runtime.clock.now(),
    }
    await catalogue.add_vendor(session, values)
    return values


async def create_product(
    runtime: Runtime, session: AsyncSession, data: ProductData
) -> dict[str, Any]:
    """List a vendor's product in a category at a unit price (the ceiling of its offers)."""
    if await catalogue.vendor_by_id(session, data.vendor_id) is None:
        raise Invalid("no such vendor", field="vendor_id")
    now = runtime.clock.now()
    await catalogue.ensure_category(session, data.category, now)
    values = data.model_dump() | {"id": uuid4(), "created_at": now}
    await catalogue.add_product(session, values)
    return values


def parse_import(filename: str, media_type: str, content: bytes) -> list[dict[str, Any]]:
    """The rows of a CSV (header line) or JSON (a list, or ``{"rows": [...]}``) file."""
    try:
        text = content.decode("utf-8-sig")
        if media_type == "application/json" or filename.lower().endswith(".json"):
            data = json.loads(text)
            rows = data.get("rows") if isinstance(data, dict) else data
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise ValueError("expected a list of objects, or {'rows': [...]}")
            return rows
        return [dict(row) for row in csv.DictReader(io.StringIO(text))]
    except (UnicodeDecodeError, ValueError, csv.Error) as error:
        raise Invalid(f"the file cannot be read: {error}", field="file") from error


def check_import(rows: list[dict[str, Any]]) -> list[ImportRow]:
    """Every row valid, and one name per vendor e-mail; else 422 listing every bad row."""
    errors: list[dict[str, str]] = []
    parsed: list[ImportRow] = []
    names: dict[str, str] = {}
    for index, raw in enumerate(rows):
        try:
            row = ImportRow.model_validate(raw)
        except ValidationError as error:
            errors += [
                {"field": f"rows.{index}.{'.'.join(map(str, e['loc']))}", "message": e["msg"]}
                for e in error.errors()
            ]
            continue
        email = str(row.vendor_email).lower()
        if names.setdefault(email, row.vendor_name) != row.vendor_name:
            errors.append(
                {
                    "field": f"rows.{index}.vendor_name",
                    "message": f"{email} is named {names[email]!r} in an earlier row",
                }
            )
        parsed.append(row)
    if not rows:
        errors.append({"field": "file", "message": "the file has no rows"})
    if errors:
        raise Invalid("the import was refused; nothing was imported", errors=errors)
    return parsed


async def import_catalogue(
    runtime: Runtime, session: AsyncSession, rows: list[dict[str, Any]]
) -> dict[str, int]:
    """Import vendors and products in one transaction: all rows or none."""
    checked = check_import(rows)
    now = runtime.clock.now()
    vendor_ids: dict[str, UUID] = {}
    created_vendors = 0
    for row in checked:
        email = str(row.vendor_email).lower()
        if email not in vendor_ids:
            existing = await catalogue.vendor_by_email(session, email)
            if existing is None:
                values = {"id": uuid4(), "name": row.vendor_name, "email": email, "created_at": now}
                await catalogue.add_vendor(session, values)
                created_vendors += 1
            vendor_ids[email] = existing["id"] if existing else values["id"]
        await catalogue.ensure_category(session, row.category, now)
        await catalogue.add_product(
            session,
            {
                "id": uuid4(),
                "vendor_id": vendor_ids[email],
                "category": row.category,
                "name": row.product_name,
                "unit": row.unit,
                "unit_price": row.unit_price,
                "created_at": now,
            },
        )
    return {"vendors_created": created_vendors, "products_created": len(checked)}


async def vendor_or_404(session: AsyncSession, vendor_id: UUID) -> Any:
    found = await catalogue.vendor_by_id(session, vendor_id)
    if found is None:
        raise NotFound(f"vendor {vendor_id} not found")
    return found
