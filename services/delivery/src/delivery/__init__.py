"""Delivery service (SOP steps 23, 25–27)."""
