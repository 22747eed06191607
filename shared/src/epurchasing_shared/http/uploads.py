"""Reading a multipart upload into a checked :class:`~epurchasing_shared.documents.Upload`."""

from fastapi import UploadFile

from epurchasing_shared.documents import Upload, check_upload


async def read_upload(upload: UploadFile, max_bytes: int, field: str = "file") -> Upload:
    """Read and check one uploaded file: PDF or image, at most ``max_bytes``."""
    content = await upload.read(max_bytes + 1)
    return check_upload(upload.filename, upload.content_type, content, max_bytes, field)
