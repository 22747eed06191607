"""application layer of the rating service."""
