"""application layer of the delivery service."""
