"""HTTP API of the catalogue: vendors, products, the import (admin) and product search."""

from fastapi import APIRouter, Depends, File, UploadFile

from competition.api.common import reader, rules, unit_of_work
from competition.api.cursors import id_cursor
from competition.application import catalogue as use
from competition.application.ports import Rules, UnitOfWorkFactory
from epurchasing_shared.auth import Role
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, encode_cursor, page_params
from epurchasing_shared.kernel.actions import ActionRequest

router = APIRouter(prefix="/catalogue", tags=["catalogue"])
ADMIN = Depends(action_request(Role.ADMIN))
UOW = Depends(unit_of_work)


def _page(rows: list[dict], limit: int) -> dict:
    cursor = encode_cursor(rows[-1]["id"]) if len(rows) == limit else None
    return {"items": rows, "next_cursor": cursor}


@router.post("/vendors", status_code=201, summary="Add a vendor with its registered e-mail")
async def create_vendor(
    body: use.VendorData, action: ActionRequest = ADMIN, uow: UnitOfWorkFactory = UOW
):
    return respond(await use.create_vendor(uow, action, body))


@router.get("/vendors", summary="The vendor directory")
async def list_vendors(
    page: PageParams = Depends(page_params),
    action: ActionRequest = Depends(reader(Role.ADMIN)),
    uow: UnitOfWorkFactory = UOW,
):
    rows = await use.vendors_page(uow, action, page.limit, id_cursor(page.cursor))
    return _page(rows, page.limit)


@router.post("/products", status_code=201, summary="List a vendor's product at a unit price")
async def create_product(
    body: use.ProductData, action: ActionRequest = ADMIN, uow: UnitOfWorkFactory = UOW
):
    return respond(await use.create_product(uow, action, body))


@router.get("/products", summary="Catalogue products, by category (step 7)")
async def list_products(
    category: str | None = None,
    page: PageParams = Depends(page_params),
    action: ActionRequest = Depends(reader(*Role)),
    uow: UnitOfWorkFactory = UOW,
):
    after = id_cursor(page.cursor)
    rows = await use.products_page(uow, action, category, page.limit, after)
    return _page(rows, page.limit)


@router.post("/import", status_code=201, summary="Import vendors and products (CSV or JSON)")
async def import_catalogue(
    file: UploadFile = File(description="CSV with a header line, or JSON rows"),
    action: ActionRequest = ADMIN,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
):
    content = await file.read(settings.max_import_bytes + 1)
    use.check_import_size(content, settings)
    media_type = (file.content_type or "").split(";")[0].strip().lower()
    rows = use.parse_import(file.filename or "", media_type, content)
    return respond(await use.import_catalogue(uow, action, rows))
