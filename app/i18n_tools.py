"""Build-time translation tools: merge per-domain .po files, compile, extract msgids."""

import os
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.i18n import COMPILED_DIR, I18N_DIR

APP_DIR = Path(__file__).resolve().parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "_l": None,
    "lazy_gettext": None,
    "N_": None,  # marks a msgid translated later (e.g. a subclass of DomainError's message)
    "ngettext": (1, 2),
    "flash": (2,),
    # Domain errors carry msgids as their first argument.
    "DomainError": (1,),
    "NotFound": (1,),
    "Forbidden": (1,),
    "Conflict": (1,),
    "Invalid": (1,),
    "TooManyAttempts": (1,),
    # Form field types report a msgid (app.schemas.fields).
    "field_error": (1,),
}
METHOD_MAP = [
    ("**/i18n_tools.py", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
]
# Strings that are not code calls but are shown through gettext (nav labels, role names...).
EXTRA_MSGID_MODULES = ("app.navigation",)


def merged_catalogue(locale: str, directory: Path = I18N_DIR) -> Catalog:
    """All app/i18n/<locale>/*.po files as one catalogue (later files win on clashes)."""
    catalogue = Catalog(locale=locale)
    for po in sorted((directory / locale).glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id and message.string:
                    catalogue[message.id] = message
    return catalogue


def catalogue_as_mo(locale: str, directory: Path = I18N_DIR) -> bytes:
    """The merged .po files of ``locale`` compiled to .mo bytes (without writing a file)."""
    buffer = BytesIO()
    write_mo(buffer, merged_catalogue(locale, directory))
    return buffer.getvalue()


def compile_catalogues() -> dict[str, int]:
    counts = {}
    for locale_dir in sorted(p for p in I18N_DIR.iterdir() if p.is_dir() and p.name != "compiled"):
        catalogue = merged_catalogue(locale_dir.name)
        target = COMPILED_DIR / locale_dir.name / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        buffer = BytesIO()
        write_mo(buffer, catalogue)
        # Whole or not at all: another process may be reading the file right now.
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(buffer.getvalue())
        os.replace(partial, target)
        counts[locale_dir.name] = len(catalogue)
    return counts


def extracted_msgids() -> dict[str, list[str]]:
    """Every msgid used in the code and templates, with where it was found."""
    found: dict[str, list[str]] = {}
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        APP_DIR, METHOD_MAP, options_map=options, keywords=KEYWORDS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        for msgid in ids:
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    from app.navigation import GROUP_LABELS, NAV, ROLE_LABELS

    for item in NAV:
        found.setdefault(item.label, []).append("app/navigation.py")
    for label in GROUP_LABELS:
        found.setdefault(label, []).append("app/navigation.py")
    for label in ROLE_LABELS.values():
        found.setdefault(label, []).append("app/navigation.py")
    return found


def missing_translations(locale: str = "zh_CN") -> dict[str, list[str]]:
    catalogue = merged_catalogue(locale)
    return {
        msgid: where
        for msgid, where in extracted_msgids().items()
        if not (catalogue.get(msgid) and catalogue.get(msgid).string)
    }
