"""consumers layer of the competition service."""
