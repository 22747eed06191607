"""domain layer of the delivery service."""
