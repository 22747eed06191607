"""api layer of the competition service."""
