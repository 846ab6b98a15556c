"""Template helpers on every page: translated text and the escaping of its parameters."""

from app.i18n import activate
from app.web import env


def test_parameters_are_escaped_into_translated_text():
    activate("en")
    html = env.from_string('{{ _("Welcome, %(name)s", name=who) }}').render(who="<script>x")
    assert html == "Welcome, &lt;script&gt;x"


def test_text_is_translated_into_the_active_language():
    template = env.from_string('{{ _("Dashboard") }} · {{ _("Log out") }}')
    activate("zh_CN")
    assert template.render() == "工作台 · 退出登录"
    activate("en")
    assert template.render() == "Dashboard · Log out"


def test_a_doubled_percent_sign_is_one_percent_sign_as_in_gettext():
    activate("en")
    assert env.from_string('{{ _("%(n)s%% done", n=40) }}').render() == "40% done"
