"""Seed data files (catalogue) and the demo-data recipe; loaded by app.services.seeding."""
