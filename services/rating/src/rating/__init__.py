"""Rating service (SOP step 27, blacklist)."""
