"""Document uploads: media-type and size limits, SHA-256, a filesystem store.

Files are stored content-addressed under a configurable root (``<root>/<sha[:2]>/<sha>``), so a
file uploaded twice is kept once, and a stored file is never changed or deleted.
"""

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID, uuid4

from fastapi import UploadFile
from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.auth import Principal
from epurchasing_shared.http.problems import Invalid, NotFound, PayloadTooLarge

ALLOWED_MEDIA_TYPES = {
    "application/pdf": b"%PDF-",
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}


@dataclass(frozen=True)
class Upload:
    filename: str
    media_type: str
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


async def read_upload(upload: UploadFile, max_bytes: int, field: str = "file") -> Upload:
    """Read and check one uploaded file: PDF or image, at most ``max_bytes``."""
    content = await upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise PayloadTooLarge(f"{field} is larger than the limit of {max_bytes} bytes")
    if not content:
        raise Invalid(f"{field} is empty", field=field)
    media_type = (upload.content_type or "").split(";")[0].strip().lower()
    magic = ALLOWED_MEDIA_TYPES.get(media_type)
    if magic is None:
        allowed = ", ".join(sorted(ALLOWED_MEDIA_TYPES))
        raise Invalid(
            f"{field} has media type {media_type or 'none'}; allowed: {allowed}", field=field
        )
    if not content.startswith(magic):
        raise Invalid(f"{field} is not a valid {media_type} file", field=field)
    return Upload(
        filename=Path(upload.filename or "document").name[:300],
        media_type=media_type,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


class DocumentStore:
    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, upload: Upload) -> Path:
        path = self.path_of(upload.sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{uuid4().hex}.part")
            temporary.write_bytes(upload.content)
            os.replace(temporary, path)  # atomic: a reader never sees half a file
        return path


@dataclass(frozen=True)
class DocumentRef:
    id: UUID
    kind: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "id": str(self.id),
            "kind": self.kind,
            "filename": self.filename,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
            "uploaded_by": self.uploaded_by,
            "uploaded_at": self.uploaded_at.isoformat(),
        }


async def save_document(
    session: AsyncSession,
    table: Table,
    store: DocumentStore,
    upload: Upload,
    *,
    kind: str,
    owner_kind: str,
    owner_id: UUID,
    procurement_id: UUID | None,
    uploader: Principal,
    at: datetime,
) -> DocumentRef:
    """Store the file and record it in this service's documents table (same transaction)."""
    store.put(upload)
    ref = DocumentRef(
        id=uuid4(),
        kind=kind,
        filename=upload.filename,
        media_type=upload.media_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=uploader.sub,
        uploaded_at=at,
    )
    await session.execute(
        insert(table).values(
            id=ref.id,
            procurement_id=procurement_id,
            owner_kind=owner_kind,
            owner_id=owner_id,
            kind=kind,
            filename=ref.filename,
            media_type=ref.media_type,
            size=ref.size,
            sha256=ref.sha256,
            uploaded_by=ref.uploaded_by,
            uploaded_at=at,
        )
    )
    return ref


async def list_documents(session: AsyncSession, table: Table, owner_id: UUID) -> list[DocumentRef]:
    rows = (
        await session.execute(
            select(table).where(table.c.owner_id == owner_id).order_by(table.c.uploaded_at)
        )
    ).mappings()
    return [
        DocumentRef(
            id=r["id"],
            kind=r["kind"],
            filename=r["filename"],
            media_type=r["media_type"],
            size=r["size"],
            sha256=r["sha256"],
            uploaded_by=r["uploaded_by"],
            uploaded_at=r["uploaded_at"],
        )
        for r in rows
    ]


async def load_document_row(session: AsyncSession, table: Table, document_id: UUID):
    row = (await session.execute(select(table).where(table.c.id == document_id))).mappings().first()
    if row is None:
        raise NotFound(f"document {document_id} not found")
    return row
