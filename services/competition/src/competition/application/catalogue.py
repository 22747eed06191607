"""Use cases of the catalogue (vendors, categories, products) and its all-or-nothing import."""

import csv
import io
import json
from typing import Any
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError

from competition.application.access import plain
from competition.application.ports import CompetitionUnitOfWork, Rules, UnitOfWorkFactory
from competition.domain.limits import MAX_RUPIAH
from epurchasing_shared.kernel.actions import ActionRequest, create
from epurchasing_shared.kernel.errors import Conflict, RuleViolation, TooLarge
from epurchasing_shared.kernel.unit_of_work import Outcome


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
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, data: VendorData
) -> Outcome:
    """Add a vendor with its registered e-mail (the address step 15 writes to)."""

    async def act(uow: CompetitionUnitOfWork) -> Outcome:
        if await uow.catalogue.vendor_by_email(data.email):
            raise Conflict(f"a vendor with e-mail {data.email} exists")
        values = {
            "id": uuid4(),
            "name": data.name,
            "email": str(data.email),
            "created_at": uow.now(),
        }
        await uow.catalogue.add_vendor(values)
        return Outcome(plain(values), created=True)

    return await create(unit_of_work, action, act)


async def create_product(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, data: ProductData
) -> Outcome:
    """List a vendor's product in a category at a unit price (the ceiling of its offers)."""

    async def act(uow: CompetitionUnitOfWork) -> Outcome:
        if await uow.catalogue.vendor_by_id(data.vendor_id) is None:
            raise RuleViolation.one("vendor_id", "no such vendor")
        now = uow.now()
        await uow.catalogue.ensure_category(data.category, now)
        values = data.model_dump() | {"id": uuid4(), "created_at": now}
        await uow.catalogue.add_product(values)
        return Outcome(plain(values), created=True)

    return await create(unit_of_work, action, act)


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
        raise RuleViolation.one("file", f"the file cannot be read: {error}") from error


def check_import(rows: list[dict[str, Any]]) -> list[ImportRow]:
    """Every row valid, and one name per vendor e-mail; else 422 listing every bad row."""
    errors: list[tuple[str, str]] = []
    parsed: list[ImportRow] = []
    names: dict[str, str] = {}
    for index, raw in enumerate(rows):
        try:
            row = ImportRow.model_validate(raw)
        except ValidationError as error:
            errors += [
                (f"rows.{index}.{'.'.join(map(str, e['loc']))}", e["msg"]) for e in error.errors()
            ]
            continue
        email = str(row.vendor_email).lower()
        if names.setdefault(email, row.vendor_name) != row.vendor_name:
            errors.append(
                (
                    f"rows.{index}.vendor_name",
                    f"{email} is named {names[email]!r} in an earlier row",
                )
            )
        parsed.append(row)
    if not rows:
        errors.append(("file", "the file has no rows"))
    if errors:
        raise RuleViolation(errors, detail="the import was refused; nothing was imported")
    return parsed


def check_import_size(content: bytes, rules: Rules) -> None:
    """The file read is at most one byte over the limit: refuse it as too large (413)."""
    if len(content) > rules.max_import_bytes:
        raise TooLarge(f"the import file is larger than {rules.max_import_bytes} bytes")


async def import_catalogue(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, rows: list[dict[str, Any]]
) -> Outcome:
    """Import vendors and products in one transaction: all rows or none."""
    checked = check_import(rows)

    async def act(uow: CompetitionUnitOfWork) -> Outcome:
        return Outcome(await _import(uow, checked), created=True)

    return await create(unit_of_work, action, act)


async def _import(uow: CompetitionUnitOfWork, checked: list[ImportRow]) -> dict[str, int]:
    now = uow.now()
    vendor_ids: dict[str, UUID] = {}
    created_vendors = 0
    for row in checked:
        email = str(row.vendor_email).lower()
        if email not in vendor_ids:
            existing = await uow.catalogue.vendor_by_email(email)
            if existing is None:
                values = {"id": uuid4(), "name": row.vendor_name, "email": email, "created_at": now}
                await uow.catalogue.add_vendor(values)
                created_vendors += 1
            vendor_ids[email] = existing["id"] if existing else values["id"]
        await uow.catalogue.ensure_category(row.category, now)
        await uow.catalogue.add_product(
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


async def vendors_page(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, limit: int, after: UUID | None
) -> list[dict[str, Any]]:
    """The vendor directory, by id."""
    async with unit_of_work(action.caller) as uow:
        return plain(await uow.catalogue.vendors_page(limit, after))  # type: ignore[no-any-return]


async def products_page(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    category: str | None,
    limit: int,
    after: UUID | None,
) -> list[dict[str, Any]]:
    """Catalogue products (of a category), by id."""
    async with unit_of_work(action.caller) as uow:
        return plain(await uow.catalogue.products_page(category, limit, after))  # type: ignore[no-any-return]
