"""The rating service's tests (a package, so that the running service they share is
stopped when they are done)."""
