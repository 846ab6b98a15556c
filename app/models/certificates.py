"""certificates tables (being built)."""
