"""What a front end generates its client from: each service's published OpenAPI document is
valid, every operation has a readable id and a typed success body, and every error it can
answer is declared as problem+json."""

import json
from pathlib import Path

import pytest
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["competition", "ordering", "delivery", "rating"]
# Served as they are by design: documents, metrics and the docs pages are not JSON bodies.
NOT_JSON = {"/metrics", "/asyncapi", "/docs", "/redoc"}


def document(service: str) -> dict:
    return json.loads((ROOT / "docs" / "api" / f"{service}.openapi.json").read_text())


def operations(doc: dict):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


@pytest.mark.parametrize("service", SERVICES)
def test_the_document_is_valid_openapi(service):
    validate(document(service))


@pytest.mark.parametrize("service", SERVICES)
def test_operation_ids_are_the_functions_names(service):
    ids = [op["operationId"] for _, _, op in operations(document(service))]
    assert len(ids) == len(set(ids))
    derived = [i for i in ids if "__" in i]
    assert not derived, f"{service}: rename these route functions: {derived}"


@pytest.mark.parametrize("service", SERVICES)
def test_every_error_is_declared_as_problem_json(service):
    for path, method, operation in operations(document(service)):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                content = response.get("content", {})
                assert list(content) == ["application/problem+json"], (method, path, status)


@pytest.mark.parametrize("service", SERVICES)
def test_every_success_body_is_typed(service):
    untyped = []
    for path, method, operation in operations(document(service)):
        if path in NOT_JSON:
            continue
        for status, response in operation["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if status.startswith("2") and schema is not None and schema in ({}, {"type": "object"}):
                untyped.append(f"{method.upper()} {path} {status}")
    assert not untyped, f"{service}: give these a response model: {untyped}"
