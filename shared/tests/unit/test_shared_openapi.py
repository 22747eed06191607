"""The generated OpenAPI declares problem+json for what each operation can answer."""

from fastapi import Depends, FastAPI, Header
from pydantic import BaseModel

from epurchasing_shared.auth import Principal, current_principal
from epurchasing_shared.http.openapi import install_openapi, unique_operation_ids


class Draft(BaseModel):
    title: str


def make_app() -> FastAPI:
    app = FastAPI(generate_unique_id_function=unique_operation_ids())
    install_openapi(app)

    @app.post("/purchase-requests/{request_id}/submit")
    async def submit_purchase_request(
        request_id: str,
        body: Draft,
        if_match: str | None = Header(default=None, alias="If-Match"),
        principal: Principal = Depends(current_principal),
    ) -> dict:
        return {}

    @app.get("/public/competitions")
    async def list_public_results() -> list[dict]:
        return []

    return app


def test_each_operation_declares_its_problems():
    document = make_app().openapi()
    submit = document["paths"]["/purchase-requests/{request_id}/submit"]["post"]
    assert submit["operationId"] == "submit_purchase_request"
    declared = {code for code in submit["responses"] if code != "200"}
    assert declared == {"401", "403", "404", "409", "412", "413", "422", "429", "500", "503"}
    problem = submit["responses"]["422"]["content"]["application/problem+json"]["schema"]
    assert problem == {"$ref": "#/components/schemas/Problem"}
    public = document["paths"]["/public/competitions"]["get"]
    assert {code for code in public["responses"] if code != "200"} == {"429", "500", "503"}
    assert "HTTPValidationError" not in document["components"]["schemas"]
    assert set(document["components"]["schemas"]["Problem"]["properties"]) >= {
        "type",
        "title",
        "status",
        "detail",
        "errors",
        "current_state",
        "allowed_actions",
    }


def test_a_second_operation_with_one_name_gets_a_visibly_derived_id():
    from fastapi.routing import APIRoute

    async def edit() -> dict:
        return {}

    generate = unique_operation_ids()
    first = APIRoute("/purchase-requests/{request_id}", edit, methods=["PATCH"])
    second = APIRoute("/competitions/{competition_id}", edit, methods=["PATCH"])
    assert generate(first) == "edit"
    assert generate(first) == "edit"  # FastAPI asks more than once for one route
    assert generate(second) == "edit__patch_competitions__competition_id"
