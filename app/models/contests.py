"""contests tables (being built)."""
