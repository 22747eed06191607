"""application layer of the competition service."""
