"""CORS for browser front ends on another origin: only the origins an operator lists."""

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

# What a front end sends and must be able to read back (versions, new resources, retries).
REQUEST_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "Idempotency-Key",
    "X-Request-ID",
    "Accept-Language",
]
RESPONSE_HEADERS = ["ETag", "Location", "Retry-After", "X-Request-ID", "Idempotent-Replayed"]


def install_cors(app: FastAPI, origins: list[str]) -> None:
    """Answer preflights and add CORS headers for ``origins`` only (nothing when empty)."""
    if not origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=REQUEST_HEADERS,
        expose_headers=RESPONSE_HEADERS,
        allow_credentials=False,  # bearer tokens, never cookies
        max_age=600,
    )
