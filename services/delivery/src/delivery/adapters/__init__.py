"""adapters layer of the delivery service."""
