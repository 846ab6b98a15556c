"""Catalogue data files, demo data, and their loader (``seeds.loader``)."""
