"""consumers layer of the rating service."""
