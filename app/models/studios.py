"""studios tables (being built)."""
