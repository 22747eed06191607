"""api layer of the rating service."""
