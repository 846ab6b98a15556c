"""curriculum tables (being built)."""
