"""Use cases of the rating service: one function per step, each in one unit of work."""
