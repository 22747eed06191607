"""The documents of ordering (the signed Surat Pesanan and addenda the PPK uploads, and the
Surat Pesanan the service generates for each version): list and download.

Whoever may see the package may read its documents (its work unit's PPK and official, its
vendor, auditors and admins); to anyone else they do not exist (404). Stored files never
change (content-addressed), so the SHA-256 is a strong ``ETag``.
"""

import base64
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import FileResponse, Response

from epurchasing_shared.auth import Principal, current_principal
from epurchasing_shared.documents import ALLOWED_MEDIA_TYPES, DocumentRef
from epurchasing_shared.http.problems import Unavailable
from epurchasing_shared.service import get_runtime
from ordering.api.schemas import DocumentList, DocumentOut
from ordering.api.wiring import Wiring, wiring
from ordering.application import views

router = APIRouter(prefix="/packages/{package_id}/documents", tags=["documents"])
letters = APIRouter(prefix="/packages/{package_id}", tags=["documents"])
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, as an attachment, with its SHA-256 as ETag and Digest",
        "content": {media_type: {} for media_type in ALLOWED_MEDIA_TYPES},
        "headers": {
            "ETag": {"description": "The file's SHA-256", "schema": {"type": "string"}},
            "Content-Disposition": {"schema": {"type": "string"}},
        },
    },
    304: {"description": "Unchanged (If-None-Match names this file)"},
}


def file_headers(document: DocumentRef) -> dict[str, str]:
    """``ETag`` (the hex SHA-256), RFC 3230 ``Digest`` and no shared caching."""
    raw = bytes.fromhex(document.sha256)
    return {
        "ETag": f'"{document.sha256}"',
        "Digest": f"sha-256={base64.b64encode(raw).decode()}",
        "Cache-Control": "private, max-age=0, must-revalidate",
    }  # X-Content-Type-Options: nosniff comes with every response (the shared guard)


def etag_matches(if_none_match: str | None, document: DocumentRef) -> bool:
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or f'"{document.sha256}"' in tags


@router.get("", response_model=DocumentList, summary="The package's documents (21, 24a)")
async def list_package_documents(
    package_id: UUID,
    principal: Principal = Depends(current_principal),
    wired: Wiring = Depends(wiring),
) -> Any:
    found = await views.package_documents(wired.unit_of_work, principal, package_id)
    return DocumentList(items=[DocumentOut.of(package_id, ref) for ref in found])


def serve(http: Request, document: DocumentRef, if_none_match: str | None) -> Response:
    """The stored file as an attachment (304 when ``If-None-Match`` names it)."""
    path = get_runtime(http).documents.path_of(document.sha256)
    if not path.is_file():  # the store lost a file the database still names
        raise Unavailable(f"the content of document {document.id} is not available")
    headers = file_headers(document)
    if etag_matches(if_none_match, document):
        return Response(status_code=304, headers=headers)
    return FileResponse(
        path,
        media_type=document.media_type,
        filename=document.filename,
        headers=headers,
        content_disposition_type="attachment",
    )


@router.get(
    "/{document_id}",
    summary="Download one document of the package",
    response_class=FileResponse,
    responses=FILE_RESPONSES,
)
async def download_package_document(
    http: Request,
    package_id: UUID,
    document_id: UUID,
    principal: Principal = Depends(current_principal),
    if_none_match: str | None = Header(default=None, alias="If-None-Match", max_length=500),
    wired: Wiring = Depends(wiring),
) -> Response:
    document = await views.package_document(wired.unit_of_work, principal, package_id, document_id)
    return serve(http, document, if_none_match)


@letters.get(
    "/purchase-order.pdf",
    summary="Download the generated Surat Pesanan of one order version (21, 24a)",
    description=(
        "The PDF the service generated when the version was made (the order, 21, or an "
        "addendum, 24a): letterhead, number, date, parties, items, total in figures and in "
        "words, signature blocks. Its SHA-256 (the ETag) is in that step's history entry. "
        "409 before the order is issued; 404 for a version the order does not have."
    ),
    response_class=FileResponse,
    responses=FILE_RESPONSES
    | {
        409: {
            "description": "No Surat Pesanan yet: before the purchase order is issued (21)",
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
    },
)
async def download_purchase_order_pdf(
    http: Request,
    package_id: UUID,
    version: int | None = Query(default=None, ge=1, le=10_000, description="Default: newest"),
    principal: Principal = Depends(current_principal),
    if_none_match: str | None = Header(default=None, alias="If-None-Match", max_length=500),
    wired: Wiring = Depends(wiring),
) -> Response:
    document = await views.generated_purchase_order(
        wired.unit_of_work, principal, package_id, version
    )
    return serve(http, document, if_none_match)
