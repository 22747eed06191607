"""consumers layer of the ordering service."""
