"""adapters layer of the rating service."""
