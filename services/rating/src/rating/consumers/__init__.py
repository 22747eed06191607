"""Consumers of the rating service: map incoming contracts to use cases."""
