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


def _catalogue_dirs(tmp_path, monkeypatch, messages: dict[str, str]):
    import app.i18n as i18n

    po = tmp_path / "zh_CN" / "core.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    entries = "".join(f'msgid "{k}"\nmsgstr "{v}"\n\n' for k, v in messages.items())
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + entries)
    monkeypatch.setattr(i18n, "I18N_DIR", tmp_path)
    monkeypatch.setattr(i18n, "COMPILED_DIR", tmp_path / "compiled")
    monkeypatch.setattr(i18n, "_cache", {})
    return po


def test_messages_added_after_the_last_compile_are_still_chinese(tmp_path, monkeypatch):
    """A checkout whose .mo predates its .po files (nobody ran i18n-compile) showed the new
    messages in English on Chinese pages, e.g. the login lockout message."""
    import os

    import app.i18n as i18n
    from app.i18n_tools import catalogue_as_mo

    po = _catalogue_dirs(tmp_path, monkeypatch, {"Log in": "登录"})
    mo = tmp_path / "compiled" / "zh_CN" / "LC_MESSAGES" / "messages.mo"
    mo.parent.mkdir(parents=True)
    mo.write_bytes(catalogue_as_mo("zh_CN", tmp_path))
    os.utime(mo, (1_000_000, 1_000_000))
    _catalogue_dirs(
        tmp_path, monkeypatch, {"Log in": "登录", "Too many failed logins.": "登录失败次数过多。"}
    )
    assert po.stat().st_mtime > mo.stat().st_mtime
    assert i18n.translations_for("zh_CN").gettext("Too many failed logins.") == "登录失败次数过多。"


def test_without_any_compiled_catalogue_the_po_files_are_used(tmp_path, monkeypatch):
    import app.i18n as i18n

    _catalogue_dirs(tmp_path, monkeypatch, {"Wrong password.": "密码错误。"})
    assert i18n.translations_for("zh_CN").gettext("Wrong password.") == "密码错误。"
    assert i18n.translations_for("en").gettext("Wrong password.") == "Wrong password."
