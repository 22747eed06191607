"""HTTP API of the catalogue: vendors, products, the import (admin) and product search."""

from fastapi import APIRouter, Depends, File, UploadFile
from sqlalchemy import select

from competition.adapters.tables import products, vendors
from competition.api.common import admin_only, anyone, idempotent
from competition.api.cursors import id_cursor
from competition.application import catalogue as use
from epurchasing_shared.auth import Principal
from epurchasing_shared.http.idempotency import IdempotencyKey, idempotency_key
from epurchasing_shared.http.pagination import PageParams, encode_cursor, page_params
from epurchasing_shared.http.problems import PayloadTooLarge
from epurchasing_shared.service import Runtime, get_runtime

router = APIRouter(prefix="/catalogue", tags=["catalogue"])


@router.post("/vendors", status_code=201, summary="Add a vendor with its registered e-mail")
async def create_vendor(
    body: use.VendorData,
    principal: Principal = Depends(admin_only),
    key: IdempotencyKey = Depends(idempotency_key),
    runtime: Runtime = Depends(get_runtime),
):
    return await idempotent(
        runtime, principal, key, lambda session: use.create_vendor(runtime, session, body)
    )


@router.get("/vendors", summary="The vendor directory")
async def list_vendors(
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(admin_only),
    runtime: Runtime = Depends(get_runtime),
):
    after = id_cursor(page.cursor)
    query = select(vendors).order_by(vendors.c.id).limit(page.limit)
    if after is not None:
        query = query.where(vendors.c.id > after)
    async with runtime.sessions() as session:
        rows = [dict(row) for row in (await session.execute(query)).mappings()]
    cursor = encode_cursor(rows[-1]["id"]) if len(rows) == page.limit else None
    return {"items": rows, "next_cursor": cursor}


@router.post("/products", status_code=201, summary="List a vendor's product at a unit price")
async def create_product(
    body: use.ProductData,
    principal: Principal = Depends(admin_only),
    key: IdempotencyKey = Depends(idempotency_key),
    runtime: Runtime = Depends(get_runtime),
):
    return await idempotent(
        runtime, principal, key, lambda session: use.create_product(runtime, session, body)
    )


@router.get("/products", summary="Catalogue products, by category (step 7)")
async def list_products(
    category: str | None = None,
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(anyone),
    runtime: Runtime = Depends(get_runtime),
):
    after = id_cursor(page.cursor)
    query = select(products).order_by(products.c.id).limit(page.limit)
    if category:
        query = query.where(products.c.category == category)
    if after is not None:
        query = query.where(products.c.id > after)
    async with runtime.sessions() as session:
        rows = [dict(row) for row in (await session.execute(query)).mappings()]
    cursor = encode_cursor(rows[-1]["id"]) if len(rows) == page.limit else None
    return {"items": rows, "next_cursor": cursor}


@router.post("/import", status_code=201, summary="Import vendors and products (CSV or JSON)")
async def import_catalogue(
    file: UploadFile = File(description="CSV with a header line, or JSON rows"),
    principal: Principal = Depends(admin_only),
    key: IdempotencyKey = Depends(idempotency_key),
    runtime: Runtime = Depends(get_runtime),
):
    limit = getattr(runtime.settings, "max_import_bytes", 5 * 1024 * 1024)
    content = await file.read(limit + 1)
    if len(content) > limit:
        raise PayloadTooLarge(f"the import file is larger than {limit} bytes")
    media_type = (file.content_type or "").split(";")[0].strip().lower()
    rows = use.parse_import(file.filename or "", media_type, content)
    return await idempotent(
        runtime, principal, key, lambda session: use.import_catalogue(runtime, session, rows)
    )
