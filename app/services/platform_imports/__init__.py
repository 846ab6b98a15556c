"""Platform data imports: column mappings per platform, and uploaded exports of a team's
live sessions previewed row by row and saved as the sessions' results."""

from .imports import (
    MAX_ROWS,
    ImportPreview,
    NothingToSave,
    choose_sessions,
    create_import,
    discard_import,
    preview_import,
    recent_imports,
    save_import,
)
from .mappings import (
    create_mapping,
    delete_mapping,
    get_mapping,
    imports_using,
    list_mappings,
    mapping_form,
    update_mapping,
)
from .rows import ImportRow, watch_seconds

__all__ = [
    "MAX_ROWS",
    "ImportPreview",
    "ImportRow",
    "NothingToSave",
    "choose_sessions",
    "create_import",
    "create_mapping",
    "delete_mapping",
    "discard_import",
    "get_mapping",
    "imports_using",
    "list_mappings",
    "mapping_form",
    "preview_import",
    "recent_imports",
    "save_import",
    "update_mapping",
    "watch_seconds",
]
