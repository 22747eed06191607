"""adapters layer of the competition service."""
