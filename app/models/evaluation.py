"""evaluation tables (being built)."""
