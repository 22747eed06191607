"""The success responses of the rating routes, as the OpenAPI document declares them: 201 and
``Location`` for what a POST creates (a rating, a blacklist entry), 200 for an action on an
existing resource; the ``ETag`` (the resource's version, for ``If-Match``) on both."""

from typing import Any

PROBLEM = "#/components/schemas/Problem"
_ETAG = {
    "description": 'The version of the resource in the body, e.g. `"2"`: send it back as '
    "`If-Match` to act on it.",
    "schema": {"type": "string"},
}
_LOCATION = {
    "description": "The URL of the resource created, e.g. `/ratings/{id}`.",
    "schema": {"type": "string"},
}
_REPLAYED = {
    "description": "`true` when this is the stored answer to an earlier request with the same "
    "`Idempotency-Key`.",
    "schema": {"type": "string"},
}


def created(what: str) -> dict[int | str, dict[str, Any]]:
    """A POST that creates a resource with its own URL: 201, ``Location``, ``ETag``."""
    return {
        201: {
            "description": f"{what}: created (201) with its URL in `Location`",
            "headers": {"Location": _LOCATION, "ETag": _ETAG, "Idempotent-Replayed": _REPLAYED},
        }
    }


def acted(what: str) -> dict[int | str, dict[str, Any]]:
    """An action on an existing resource: 200 and its new ``ETag``."""
    return {
        200: {
            "description": f"{what}: the resource after the action (200)",
            "headers": {"ETag": _ETAG, "Idempotent-Replayed": _REPLAYED},
        }
    }


def not_found(what: str) -> dict[int | str, dict[str, Any]]:
    """A 404 an operation without a path parameter can still answer (e.g. the procurement
    named in the body has no package for this caller to rate)."""
    return {
        404: {
            "description": what,
            "content": {"application/problem+json": {"schema": {"$ref": PROBLEM}}},
        }
    }
