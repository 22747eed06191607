"""domain layer of the ordering service."""
