"""Every visible string has zh_CN text (English is the msgid itself)."""

from app.i18n import activate, gettext, translations_for
from app.i18n_tools import compile_catalogues, missing_translations


def test_every_msgid_has_a_chinese_translation():
    missing = missing_translations("zh_CN")
    listing = "\n".join(f"{msgid!r} at {where[0]}" for msgid, where in sorted(missing.items()))
    assert not missing, f"{len(missing)} msgids lack zh_CN text:\n{listing}"


def test_compiled_catalogue_translates_and_english_is_the_msgid():
    compile_catalogues()
    translations_for.__globals__["_cache"].clear()
    activate("zh_CN")
    assert gettext("Log in") == "登录"
    assert gettext("Welcome, %(name)s", name="王") == "欢迎，王"
    activate("en")
    assert gettext("Log in") == "Log in"


def test_a_document_in_its_readers_language_leaves_the_callers_language_alone():
    from app.i18n import locale_active

    activate("en")
    with locale_active("zh_CN"):
        assert gettext("Log in") == "登录"
    assert gettext("Log in") == "Log in"
