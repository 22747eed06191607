"""api layer of the delivery service."""
