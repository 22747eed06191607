"""Documents: media-type and size limits, SHA-256, a filesystem store (no HTTP, no SQL).

Files are stored content-addressed under a configurable root (``<root>/<sha[:2]>/<sha>``), so a
file uploaded twice is kept once, and a stored file is never changed or deleted.
"""

import asyncio
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID, uuid4

from epurchasing_shared.kernel.errors import RuleViolation, TooLarge

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


def check_upload(
    filename: str | None,
    media_type: str | None,
    content: bytes,
    max_bytes: int,
    field: str = "file",
) -> Upload:
    """Check one uploaded file (PDF or image, at most ``max_bytes``) and name its content."""
    if len(content) > max_bytes:
        raise TooLarge(f"{field} is larger than the limit of {max_bytes} bytes")
    if not content:
        raise RuleViolation.one(field, f"{field} is empty")
    media_type = (media_type or "").split(";")[0].strip().lower()
    magic = ALLOWED_MEDIA_TYPES.get(media_type)
    if magic is None:
        allowed = ", ".join(sorted(ALLOWED_MEDIA_TYPES))
        raise RuleViolation.one(
            field, f"{field} has media type {media_type or 'none'}; allowed: {allowed}"
        )
    if not content.startswith(magic):
        raise RuleViolation.one(field, f"{field} is not a valid {media_type} file")
    return Upload(
        filename=Path(filename or "document").name[:300],
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
        """Keep the file on disk for good before the transaction that records it commits:
        written under a temporary name and flushed, renamed into place (atomic: a reader never
        sees half a file), and the rename flushed with its directory; so a crash after the
        commit cannot leave a row naming a file that is empty or not there. Blocking (two
        fsyncs, 0.6-1.5 ms here): :meth:`keep` runs it off the event loop."""
        path = self.path_of(upload.sha256)
        if not path.exists():
            _make_directories(path.parent)
            temporary = path.with_suffix(f".{uuid4().hex}.part")
            with open(temporary, "wb") as file:
                file.write(upload.content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
            _fsync_directory(path.parent)
        return path

    async def keep(self, upload: Upload) -> Path:
        """:meth:`put` in a worker thread: the disk's flushes do not hold up the event loop."""
        return await asyncio.to_thread(self.put, upload)


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _make_directories(directory: Path) -> None:
    """``mkdir -p``, each new directory's entry flushed in its parent."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for created in reversed(missing):
        created.mkdir(exist_ok=True)
        _fsync_directory(created.parent)


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
