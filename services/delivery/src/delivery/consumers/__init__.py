"""consumers layer of the delivery service."""
