"""adapters layer of the ordering service."""
