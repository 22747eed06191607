"""Reading a purchase request's documents (nota dinas, specification): list and download.

Whoever may see the request may read its documents; to anyone else they do not exist (404).
Files are immutable and stored by SHA-256, so the digest is also a strong ``ETag``.
"""

import base64
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import FileResponse, Response

from competition.api.common import reader, request_readers, unit_of_work
from competition.api.schemas import DocumentListOut
from competition.application import purchase_requests as use
from competition.application.ports import UnitOfWorkFactory
from epurchasing_shared.documents import ALLOWED_MEDIA_TYPES, DocumentRef
from epurchasing_shared.http.problems import Unavailable
from epurchasing_shared.kernel.actions import ActionRequest
from epurchasing_shared.service import get_runtime

router = APIRouter(prefix="/purchase-requests", tags=["purchase requests (steps 1–4)"])


def digest_headers(document: DocumentRef) -> dict[str, str]:
    """``ETag`` (the hex SHA-256) and RFC 3230 ``Digest`` (its base64) of the stored file."""
    raw = bytes.fromhex(document.sha256)
    return {
        "ETag": f'"{document.sha256}"',
        "Digest": f"sha-256={base64.b64encode(raw).decode()}",
        "Cache-Control": "private, max-age=0, must-revalidate",
    }


def etag_matches(if_none_match: str | None, document: DocumentRef) -> bool:
    """True when the client's ``If-None-Match`` already names this content."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or f'"{document.sha256}"' in tags


@router.get(
    "/{request_id}/documents",
    summary="The request's documents (step 2)",
    response_model=DocumentListOut,
)
async def list_request_documents(
    request_id: UUID,
    action: ActionRequest = Depends(reader(*request_readers)),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
) -> dict[str, Any]:
    documents = await use.request_documents(uow, action, request_id)
    return {
        "items": [
            document.as_dict()
            | {"href": f"/purchase-requests/{request_id}/documents/{document.id}"}
            for document in documents
        ]
    }


@router.get(
    "/{request_id}/documents/{document_id}",
    summary="Download one document of the request",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The file, with its SHA-256 as ETag and Digest",
            "content": {media_type: {} for media_type in ALLOWED_MEDIA_TYPES},
        },
        304: {"description": "Unchanged (If-None-Match names this file)"},
    },
)
async def download_request_document(
    http: Request,
    request_id: UUID,
    document_id: UUID,
    action: ActionRequest = Depends(reader(*request_readers)),
    if_none_match: str | None = Header(default=None, alias="If-None-Match"),
    uow: UnitOfWorkFactory = Depends(unit_of_work),
) -> Response:
    document = await use.request_document(uow, action, request_id, document_id)
    path = get_runtime(http).documents.path_of(document.sha256)
    if not path.is_file():  # the store lost a file the database still names
        raise Unavailable(f"the content of document {document_id} is not available")
    headers = digest_headers(document)
    if etag_matches(if_none_match, document):
        return Response(status_code=304, headers=headers)
    return FileResponse(
        path,
        media_type=document.media_type,
        filename=document.filename,
        headers=headers,  # X-Content-Type-Options: nosniff comes with every response (guard)
        content_disposition_type="attachment",
    )
