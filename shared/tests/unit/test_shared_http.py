"""HTTP conventions: problem+json everywhere, pagination cursors, document checks."""

import hashlib
import os

import asyncpg
import httpx
import pytest
from fastapi import FastAPI, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError

from epurchasing_shared.documents import DocumentStore
from epurchasing_shared.http.pagination import decode_cursor, encode_cursor
from epurchasing_shared.http.problems import (
    Invalid,
    PayloadTooLarge,
    StateConflict,
    as_problem,
    install_problem_handlers,
)
from epurchasing_shared.http.uploads import read_upload
from epurchasing_shared.kernel.errors import RuleViolation, TooLarge


class Body(BaseModel):
    pagu: int = Field(gt=0)


def make_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/things")
    async def create(body: Body) -> dict:
        return {"pagu": body.pagu}

    @app.post("/things/1/submit")
    async def submit() -> dict:
        raise StateConflict(
            "cannot submit", current_state="submitted", allowed_actions=["accept", "return"]
        )

    @app.get("/huge")
    async def huge() -> dict:
        raise DataError("INSERT ...", {}, OverflowError("value out of int64 range"))

    # The same errors from a statement sent to the driver directly (direct.py).
    @app.get("/huge-direct")
    async def huge_direct() -> dict:
        raise asyncpg.NumericValueOutOfRangeError("bigint out of range")

    @app.get("/twin-direct")
    async def twin_direct() -> dict:
        raise asyncpg.UniqueViolationError("duplicate key value violates unique constraint")

    @app.get("/boom")
    async def boom() -> dict:
        raise RuntimeError("secret internals")

    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=make_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


class TestProblems:
    async def test_a_validation_error_is_422_problem_json_with_field_errors(self, client):
        response = await client.post("/things", json={"pagu": -5})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"] == [
            {"field": "pagu", "message": "Input should be greater than 0"}
        ]

    async def test_a_state_conflict_names_the_state_and_the_allowed_actions(self, client):
        body = (await client.post("/things/1/submit")).json()
        assert (body["status"], body["current_state"], body["allowed_actions"]) == (
            409,
            "submitted",
            ["accept", "return"],
        )

    async def test_an_unknown_route_is_a_problem_too(self, client):
        response = await client.get("/nowhere")
        assert (response.status_code, response.headers["content-type"]) == (
            404,
            "application/problem+json",
        )

    async def test_a_value_the_database_cannot_hold_is_422(self, client):
        response = await client.get("/huge")
        assert (response.status_code, response.headers["content-type"]) == (
            422,
            "application/problem+json",
        )

    async def test_the_drivers_own_data_and_integrity_errors_are_422_and_409(self, client):
        statuses = [(await client.get(p)).status_code for p in ("/huge-direct", "/twin-direct")]
        assert statuses == [422, 409]

    async def test_an_unexpected_error_is_500_without_a_stack_trace(self, client):
        response = await client.get("/boom")
        assert response.status_code == 500
        assert "secret internals" not in response.text and "Traceback" not in response.text


class TestCursor:
    def test_round_trips(self):
        assert decode_cursor(encode_cursor("2026-01-01T00:00:00+00:00", "abc")) == [
            "2026-01-01T00:00:00+00:00",
            "abc",
        ]

    def test_a_forged_cursor_is_invalid(self):
        with pytest.raises(RuleViolation) as refused:
            decode_cursor("!!!not-base64")
        assert refused.value.errors == [
            {"field": "cursor", "message": "the cursor is not one this service gave out"}
        ]


def upload(content: bytes, media_type: str, name: str = "nota.pdf") -> UploadFile:
    import io

    from starlette.datastructures import Headers

    return UploadFile(
        io.BytesIO(content), filename=name, headers=Headers({"content-type": media_type})
    )


class TestDocuments:
    async def test_a_pdf_is_read_hashed_and_stored_once(self, tmp_path):
        read = await read_upload(upload(b"%PDF-1.4 nota dinas", "application/pdf"), max_bytes=1000)
        store = DocumentStore(tmp_path)
        first = store.put(read)
        written = first.stat()
        again = store.put(read)
        # The same content is kept once, under its digest, and not written again.
        assert again == first == tmp_path / read.sha256[:2] / read.sha256
        assert again.stat().st_mtime_ns == written.st_mtime_ns
        assert [p for p in tmp_path.rglob("*") if p.is_file()] == [first]
        assert first.read_bytes() == b"%PDF-1.4 nota dinas"
        assert read.sha256 == hashlib.sha256(b"%PDF-1.4 nota dinas").hexdigest()

    async def test_a_file_is_on_disk_for_good_before_it_is_recorded(self, tmp_path, monkeypatch):
        """The file's bytes are flushed before it takes its name, and the name (and each new
        directory) is flushed in its directory after: what the documents row names survives
        a crash after the commit. The real calls are made; their order is recorded."""
        done: list[tuple[str, str]] = []
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(descriptor: int) -> None:
            real_fsync(descriptor)
            done.append(("fsync", os.readlink(f"/proc/self/fd/{descriptor}")))

        def replace(source, target) -> None:
            real_replace(source, target)
            done.append(("rename", str(target)))

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        read = await read_upload(upload(b"%PDF-1.4 surat pesanan", "application/pdf"), 1000)
        root = tmp_path / "documents"
        path = await DocumentStore(root).keep(read)

        assert path.read_bytes() == b"%PDF-1.4 surat pesanan"
        written = [where for what, where in done if what == "fsync" and where.endswith(".part")]
        assert len(written) == 1 and written[0].startswith(str(path))
        assert done == [
            ("fsync", str(tmp_path)),  # documents/ made
            ("fsync", str(root)),  # documents/<sha[:2]>/ made
            ("fsync", written[0]),  # the bytes, under the temporary name
            ("rename", str(path)),
            ("fsync", str(path.parent)),  # the name
        ]
        done.clear()
        assert await DocumentStore(root).keep(read) == path
        assert done == []  # kept once: not written again

    async def test_a_file_over_the_limit_is_413(self):
        with pytest.raises(TooLarge) as refused:
            await read_upload(upload(b"%PDF-" + b"x" * 100, "application/pdf"), max_bytes=50)
        assert isinstance(as_problem(refused.value), PayloadTooLarge)

    @pytest.mark.parametrize(
        ("content", "media_type"),
        [
            (b"MZ\x90\x00", "application/x-msdownload"),
            (b"hello", "application/pdf"),
            (b"", "application/pdf"),
        ],
    )
    async def test_anything_but_a_real_pdf_or_image_is_422(self, content, media_type):
        with pytest.raises(RuleViolation) as refused:
            await read_upload(upload(content, media_type), max_bytes=1000)
        assert isinstance(as_problem(refused.value), Invalid)
        assert refused.value.errors[0]["field"] == "file"


class TestLanguage:
    async def test_bahasa_indonesia_when_the_caller_asks_for_it(self, client):
        headers = {"Accept-Language": "id-ID,id;q=0.9,en;q=0.8"}
        response = await client.post("/things", json={"pagu": 0}, headers=headers)
        body = response.json()
        assert body["title"] == "Isian Tidak Dapat Diproses"
        assert body["detail"] == "permintaan tidak valid"
        assert body["errors"] == [{"field": "pagu", "message": "terlalu kecil"}]
        assert body["type"] == "https://epurchasing.example/problems/invalid"  # stable
        assert response.headers["content-language"] == "id"

    async def test_english_otherwise(self, client):
        response = await client.post("/things", json={"pagu": 0})
        body = response.json()
        assert body["title"] == "Unprocessable Content"
        assert body["errors"][0]["message"] == "Input should be greater than 0"
        assert "message_id" not in body["errors"][0]

    async def test_a_refusal_speaks_the_rule_in_both_languages(self):
        refusal = RuleViolation.one(
            "unit_price", "above the catalogue price", "melebihi harga katalog"
        )
        problem = as_problem(refusal)
        assert problem.body(language="id")["errors"] == [
            {"field": "unit_price", "message": "melebihi harga katalog"}
        ]
        assert problem.body()["detail"] == "above the catalogue price"
