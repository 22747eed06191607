"""domain layer of the competition service."""
