"""Public event contracts: the CloudEvents envelope and one versioned model per event type.

They live in the contracts-only package ``epurchasing_contracts`` (``contracts/``, pydantic
only), which outside subscribers install; these modules re-export it unchanged, so
``epurchasing_shared.contracts.*`` keeps working for the services.
"""
