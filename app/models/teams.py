"""teams tables (being built)."""
