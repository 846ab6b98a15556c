"""File writers (XLSX, PDF) for exports; each takes data from a service and returns bytes."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(value):
    """User text made inert for spreadsheets: a cell that a spreadsheet would read as a
    formula (it starts with =, +, -, @, a tab or a line break, also after leading spaces
    or in full-width form) gets a leading apostrophe. Numbers and other types pass through."""
    if not isinstance(value, str) or not value:
        return value
    if value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value
