"""Ordering service (SOP steps 14–22, 24a)."""
