"""A driver that walks one procurement through the 27 SOP steps over HTTP, as the right actors.

``make demo`` runs it against ``make run``'s services; ``tests/e2e`` runs it against the four
services started as real processes.
"""
