"""Translations: Babel catalogues per locale, chosen per request through a context var.

Message ids are English, so English needs no catalogue; Simplified Chinese comes from the
per-domain files in app/i18n/zh_CN/*.po, merged and compiled to a .mo by the set-up.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.support import LazyProxy, NullTranslations, Translations

log = logging.getLogger(__name__)

LOCALES = ("zh_CN", "en")
LOCALE_NAMES = {"zh_CN": "中文", "en": "English"}
I18N_DIR = Path(__file__).resolve().parent / "i18n"
COMPILED_DIR = I18N_DIR / "compiled"

_current: ContextVar[NullTranslations] = ContextVar("translations")
_cache: dict[str, NullTranslations] = {}


def translations_for(locale: str) -> NullTranslations:
    if locale not in _cache:
        _cache[locale] = _load(locale)
    return _cache[locale]


def _load(locale: str) -> NullTranslations:
    """The compiled catalogue, unless a .po file is newer (or nothing was compiled): then the
    .po files themselves, so that a checkout that was not recompiled still shows every
    message in Chinese instead of the English msgids added since."""
    mo = COMPILED_DIR / locale / "LC_MESSAGES" / "messages.mo"
    sources = sorted((I18N_DIR / locale).glob("*.po")) if locale != "en" else []
    newest = max((po.stat().st_mtime for po in sources), default=None)
    if mo.exists() and (newest is None or mo.stat().st_mtime >= newest):
        with mo.open("rb") as fh:
            return Translations(fh)
    if newest is None:
        return NullTranslations()
    from app.i18n_tools import catalogue_as_mo

    log.warning(
        "%s: the compiled messages are missing or older than the .po files; "
        "run `python -m app i18n-compile`",
        locale,
    )

    return Translations(BytesIO(catalogue_as_mo(locale, I18N_DIR)))


def normalise_locale(value: str | None, default: str) -> str:
    return value if value in LOCALES else default


def activate(locale: str) -> None:
    _current.set(translations_for(locale))


@contextmanager
def locale_active(locale: str) -> Iterator[None]:
    """Messages in `locale` inside the block only (a PDF or a feed in its reader's language)."""
    token = _current.set(translations_for(locale))
    try:
        yield
    finally:
        _current.reset(token)


def active_translations() -> NullTranslations:
    return _current.get(None) or translations_for("en")


def gettext(message: str, **params: Any) -> str:
    text = active_translations().gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    translations = _current.get(None) or translations_for("en")
    text = translations.ngettext(singular, plural, n)
    return text % {"num": n, **params}


def lazy_gettext(message: str, **params: Any) -> LazyProxy:
    """A message translated when it is shown (services and forms have no locale)."""
    return LazyProxy(gettext, message, enable_cache=False, **params)


def N_(message: str) -> str:
    """Mark a msgid for extraction without translating it now."""
    return message


_ = gettext
_l = lazy_gettext


def translate(message: Any, params: dict[str, Any] | None = None) -> str:
    """Show a msgid (with params) or an already-lazy message in the active locale."""
    if isinstance(message, LazyProxy):
        return str(message)
    return gettext(str(message), **(params or {}))
