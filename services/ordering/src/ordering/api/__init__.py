"""api layer of the ordering service."""
