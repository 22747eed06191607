"""Use cases of the catalogue (vendors, categories, products) and its all-or-nothing import."""

import asyncio
import csv
import io
import json
import re
from typing import Any
from uuid import UUID, uuid4

from pydantic import (
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StrictInt,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from competition.application.access import plain
from competition.application.ports import CompetitionUnitOfWork, Rules, UnitOfWorkFactory
from competition.domain.limits import MAX_RUPIAH
from epurchasing_shared.kernel.actions import ActionRequest, create
from epurchasing_shared.kernel.errors import Conflict, RuleViolation, TooLarge
from epurchasing_shared.kernel.unit_of_work import Outcome


class VendorData(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, examples=["CV Maju Jaya"])
    email: EmailStr = Field(max_length=320, examples=["penjualan@majujaya.co.id"])


class ProductData(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    vendor_id: UUID
    category: str = Field(min_length=1, max_length=120, examples=["laptop"])
    name: str = Field(
        min_length=1, max_length=300, examples=["Laptop 14 inci Core i5, RAM 16 GB, SSD 512 GB"]
    )
    unit: str = Field(min_length=1, max_length=40, examples=["unit"])
    unit_price: StrictInt = Field(
        ge=1,
        le=MAX_RUPIAH,
        description="Listed unit price, whole rupiah",
        examples=[12_500_000],
    )


class ImportRow(BaseModel):
    """One product of the import file, with the vendor that lists it (found by e-mail)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    vendor_name: str = Field(min_length=1, max_length=200)
    # Checked as an e-mail once per distinct address (check_import): 70,000 rows of 500
    # vendors validate 500 addresses, not 70,000.
    vendor_email: str = Field(min_length=3, max_length=320)
    category: str = Field(min_length=1, max_length=120)
    product_name: str = Field(min_length=1, max_length=300)
    unit: str = Field(min_length=1, max_length=40)
    unit_price: int = Field(ge=1, le=MAX_RUPIAH)

    @field_validator("unit_price", mode="before")
    @classmethod
    def whole_rupiah(cls, value: Any) -> Any:
        """A JSON number or, from CSV, its digits; never ``true`` nor ``2.5``."""
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("the unit price is a whole number of rupiah")
        if isinstance(value, str) and not value.strip().isdigit():
            raise ValueError("the unit price is a whole number of rupiah")
        return value


async def create_vendor(
    unit_of_work: UnitOfWorkFactory, action: ActionRequest, data: VendorData
) -> Outcome:
    """Add a vendor with its registered e-mail (the address step 15 writes to)."""

    async def act(uow: CompetitionUnitOfWork) -> Outcome:
        if await uow.catalogue.vendor_by_email(data.email):
            raise Conflict(
                f"a vendor with e-mail {data.email} exists",
                f"penyedia dengan e-mail {data.email} sudah terdaftar",
            )
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
            raise RuleViolation.one("vendor_id", "no such vendor", "penyedia tidak ditemukan")
        now = uow.now()
        await uow.catalogue.ensure_category(data.category, now)
        values = data.model_dump() | {"id": uuid4(), "created_at": now}
        await uow.catalogue.add_product(values)
        return Outcome(plain(values), created=True)

    return await create(unit_of_work, action, act)


# A JSON import is a list of flat objects, or {"rows": [...]}: three levels. Anything nested
# deeper is refused before json.loads sees it (a deeply nested file would otherwise reach the
# parser's recursion limit: a RecursionError, a 500). The request guard does not look inside
# uploaded files.
MAX_IMPORT_DEPTH = 8
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def json_depth_within(content: bytes, limit: int = MAX_IMPORT_DEPTH) -> bool:
    """Whether the JSON text nests arrays and objects at most ``limit`` deep (strings, which
    may hold brackets, are left out first; linear in the size, no recursion)."""
    depth = 0
    for bracket in _JSON_BRACKET.finditer(_JSON_STRING.sub(b'""', content)):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return False
        else:
            depth -= 1
    return True


def _unreadable(reason: str, reason_id: str) -> RuleViolation:
    return RuleViolation.one(
        "file", f"the file cannot be read: {reason}", f"berkas tidak dapat dibaca: {reason_id}"
    )


def parse_import(filename: str, media_type: str, content: bytes) -> list[dict[str, Any]]:
    """The rows of a CSV (header line) or JSON (a list, or ``{"rows": [...]}``) file."""
    is_json = media_type == "application/json" or filename.lower().endswith(".json")
    if is_json and not json_depth_within(content):
        raise RuleViolation.one(
            "file",
            f"the JSON file nests deeper than {MAX_IMPORT_DEPTH} levels",
            f"berkas JSON bersarang lebih dari {MAX_IMPORT_DEPTH} tingkat",
        )
    try:
        text = content.decode("utf-8-sig")
        if is_json:
            data = json.loads(text)
            rows = data.get("rows") if isinstance(data, dict) else data
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise _unreadable(
                    "expected a list of objects, or {'rows': [...]}",
                    "diharapkan daftar objek, atau {'rows': [...]}",
                )
            return rows
        if "\x00" in text:
            raise _unreadable("the file holds NUL characters", "berkas berisi karakter NUL")
        return [dict(row) for row in csv.DictReader(io.StringIO(text))]
    except UnicodeDecodeError as error:
        raise _unreadable("it is not UTF-8 text", "bukan teks UTF-8") from error
    except (ValueError, csv.Error, RecursionError) as error:
        raise _unreadable(str(error)[:200], "format tidak valid") from error


_EMAIL = TypeAdapter(EmailStr)


def _email_problem(email: str) -> str:
    try:
        _EMAIL.validate_python(email)
    except ValidationError as error:
        return str(error.errors(include_url=False)[0]["msg"])
    return ""


def check_import(rows: list[dict[str, Any]]) -> list[ImportRow]:
    """Every row valid, and one name per vendor e-mail; else 422 listing the bad rows (the
    problem shows the first 50 and ``error_count``: a response never grows with the file)."""
    errors: list[tuple[str, str, str]] = []
    parsed: list[ImportRow] = []
    names: dict[str, str] = {}
    emails: dict[str, str] = {}  # address -> its problem ("" when valid)
    for index, raw in enumerate(rows):
        try:
            row = ImportRow.model_validate(raw)
        except ValidationError as error:
            errors += [
                (
                    f"rows.{index}.{'.'.join(map(str, e['loc']))}",
                    e["msg"],
                    f"baris {index + 1} tidak valid",
                )
                for e in error.errors(include_url=False, include_context=False, include_input=False)
            ]
            continue
        email = row.vendor_email.lower()
        if email not in emails:
            emails[email] = _email_problem(email)
        if emails[email]:
            errors.append((f"rows.{index}.vendor_email", emails[email], "e-mail tidak valid"))
            continue
        if names.setdefault(email, row.vendor_name) != row.vendor_name:
            errors.append(
                (
                    f"rows.{index}.vendor_name",
                    f"{email} is named {names[email]!r} in an earlier row",
                    f"{email} bernama {names[email]!r} pada baris sebelumnya",
                )
            )
        parsed.append(row)
    if not rows:
        errors.append(("file", "the file has no rows", "berkas tidak berisi baris"))
    if errors:
        raise RuleViolation(
            errors,
            detail=f"the import was refused ({len(errors)} errors); nothing was imported",
            detail_id=f"impor ditolak ({len(errors)} kesalahan); tidak ada yang diimpor",
        )
    return parsed


def check_import_size(content: bytes, rules: Rules) -> None:
    """The file read is at most one byte over the limit: refuse it as too large (413)."""
    if len(content) > rules.max_import_bytes:
        raise TooLarge(
            f"the import file is larger than {rules.max_import_bytes} bytes",
            f"berkas impor lebih besar dari {rules.max_import_bytes} byte",
        )


def read_import(filename: str, media_type: str, content: bytes) -> list[ImportRow]:
    """Parse and check the file (CPU only, no I/O): run off the event loop."""
    return check_import(parse_import(filename, media_type, content))


async def import_catalogue(
    unit_of_work: UnitOfWorkFactory,
    action: ActionRequest,
    filename: str,
    media_type: str,
    content: bytes,
) -> Outcome:
    """Import vendors and products in one transaction: all rows or none.

    Parsing and validating a large file (70,000 rows, 4 MB) is seconds of CPU: it runs in a
    worker thread (``asyncio.to_thread``) so that other requests are served meanwhile, and
    the rows are written 1,000 per INSERT statement."""
    checked = await asyncio.to_thread(read_import, filename, media_type, content)

    async def act(uow: CompetitionUnitOfWork) -> Outcome:
        return Outcome(await _import(uow, checked), created=True)

    return await create(unit_of_work, action, act)


async def _import(uow: CompetitionUnitOfWork, checked: list[ImportRow]) -> dict[str, int]:
    now = uow.now()
    first_names: dict[str, str] = {}
    for row in checked:
        first_names.setdefault(row.vendor_email.lower(), row.vendor_name)
    existing = await uow.catalogue.vendors_by_emails(first_names)
    vendor_ids: dict[str, UUID] = {email: vendor["id"] for email, vendor in existing.items()}
    new_vendors = [
        {"id": uuid4(), "name": name, "email": email, "created_at": now}
        for email, name in first_names.items()
        if email not in vendor_ids
    ]
    vendor_ids |= {vendor["email"]: vendor["id"] for vendor in new_vendors}
    await uow.catalogue.add_vendors(new_vendors)
    await uow.catalogue.ensure_categories({row.category for row in checked}, now)
    await uow.catalogue.add_products(
        [
            {
                "id": uuid4(),
                "vendor_id": vendor_ids[row.vendor_email.lower()],
                "category": row.category,
                "name": row.product_name,
                "unit": row.unit,
                "unit_price": row.unit_price,
                "created_at": now,
            }
            for row in checked
        ]
    )
    return {"vendors_created": len(new_vendors), "products_created": len(checked)}


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
