"""HTTP API of the catalogue: vendors, products, the import (admin) and product search."""

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.responses import JSONResponse

from competition.api import schemas
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


def _page(rows: list[dict], limit: int) -> JSONResponse:
    cursor = encode_cursor(rows[-1]["id"]) if len(rows) == limit else None
    return JSONResponse({"items": rows, "next_cursor": cursor})


@router.post(
    "/vendors",
    status_code=201,
    summary="Add a vendor with its registered e-mail",
    response_model=schemas.VendorOut,
    responses=schemas.created("The vendor", location=False, etag=False),
)
async def create_vendor(
    body: use.VendorData, action: ActionRequest = ADMIN, uow: UnitOfWorkFactory = UOW
) -> JSONResponse:
    return respond(await use.create_vendor(uow, action, body))


@router.get(
    "/vendors",
    summary="The vendor directory (admin, auditor)",
    response_model=schemas.VendorPage,
)
async def list_vendors(
    action: ActionRequest = Depends(reader(Role.ADMIN, Role.AUDITOR)),
    page: PageParams = Depends(page_params),
    uow: UnitOfWorkFactory = UOW,
) -> JSONResponse:
    rows = await use.vendors_page(uow, action, page.limit, id_cursor(page.cursor))
    return _page(rows, page.limit)


@router.post(
    "/products",
    status_code=201,
    summary="List a vendor's product at a unit price",
    response_model=schemas.ProductOut,
    responses=schemas.created("The product", location=False, etag=False),
)
async def create_product(
    body: use.ProductData, action: ActionRequest = ADMIN, uow: UnitOfWorkFactory = UOW
) -> JSONResponse:
    return respond(await use.create_product(uow, action, body))


@router.get(
    "/products",
    summary="Catalogue products, by category (step 7)",
    response_model=schemas.ProductPage,
)
async def list_products(
    action: ActionRequest = Depends(reader(*Role)),
    category: str | None = Query(default=None, min_length=1, max_length=120, examples=["laptop"]),
    page: PageParams = Depends(page_params),
    uow: UnitOfWorkFactory = UOW,
) -> JSONResponse:
    after = id_cursor(page.cursor)
    rows = await use.products_page(uow, action, category, page.limit, after)
    return _page(rows, page.limit)


@router.post(
    "/import",
    status_code=201,
    summary="Import vendors and products (CSV or JSON), all rows or none",
    response_model=schemas.ImportResultOut,
    responses=schemas.created("What was imported", location=False, etag=False),
)
async def import_catalogue(
    file: UploadFile = File(
        description="CSV with a header line (vendor_name, vendor_email, category, "
        'product_name, unit, unit_price), or JSON: a list of such objects or {"rows": [...]}'
    ),
    action: ActionRequest = ADMIN,
    uow: UnitOfWorkFactory = UOW,
    settings: Rules = Depends(rules),
) -> JSONResponse:
    """Parsed and checked in a worker thread (other requests go on meanwhile), written 1,000
    rows per statement in one transaction. A refusal lists the first 50 errors and gives
    ``error_count``; a JSON file nested deeper than 8 levels is refused (422) unparsed."""
    content = await file.read(settings.max_import_bytes + 1)
    use.check_import_size(content, settings)
    media_type = (file.content_type or "").split(";")[0].strip().lower()
    return respond(
        await use.import_catalogue(uow, action, file.filename or "", media_type, content)
    )
