"""domain layer of the rating service."""
