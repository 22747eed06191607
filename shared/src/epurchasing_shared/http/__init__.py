"""HTTP conventions of api.md: problem+json, idempotency, pagination, health, documents."""
