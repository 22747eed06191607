"""application layer of the ordering service."""
