"""Competition service (SOP steps 1–13)."""
