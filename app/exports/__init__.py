"""Exports: every CSV, XLSX and PDF file the app offers, one module per export.

Services produce rows and views; the modules here turn them into bytes, all through the
kit (``app.exports.kit``): one formula guard, CSV one way, XLSX one way, PDF one way.
"""

from app.exports.kit import MEDIA_TYPES, looks_like_formula, neutralise

__all__ = ["MEDIA_TYPES", "looks_like_formula", "neutralise"]
