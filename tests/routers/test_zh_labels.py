"""Chinese labels that name what they label: a course's title is not a job title (职务), a
status is not a broadcast's result (直播结果), a note is not a guidance record (记录内容);
placeholders are not quoted, post names are separated, and a cohort reads the same way
everywhere (网络营销与直播电商 2024级 1班)."""

import re

import pytest
from sqlmodel import select

from app import db
from app.i18n import activate, gettext
from app.main import create_app
from app.models import Post, User
from tests.conftest import WebClient
from tests.routers.test_zh_pages import PageText


@pytest.fixture(scope="module")
def browser(demo_database):
    with WebClient(create_app(), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def page(browser, demo_database):
    """The page's readable text (as PageText chunks) and its HTML, in Chinese, as the
    administrator or another demo user."""
    db.configure_engine(demo_database)
    logged_in = {}

    def read(url: str, username: str = "admin", lang: str = "zh_CN") -> tuple[list[str], str]:
        if logged_in.get("as") != (username, lang):
            with db.open_session() as session:
                user = session.exec(select(User).where(User.username == username)).one()
            browser.login_as(user)
            browser.cookies.set("cj_lang", lang)
            logged_in["as"] = (username, lang)
        response = browser.get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = PageText()
        text.feed(response.text)
        return text.chunks, response.text

    return read


def _user_id(username: str) -> int:
    with db.open_session() as session:
        return session.exec(select(User.id).where(User.username == username)).one()


def test_words_with_two_meanings_have_one_chinese_text_each():
    activate("zh_CN")
    assert gettext("Title") == "名称" and gettext("Job title") == "职务"
    assert gettext("Course title") == "课程名称"
    assert gettext("Result") == "结果" and gettext("Broadcast result") == "直播结果"
    assert gettext("Notes") == "备注" and gettext("Record of the session") == "记录内容"
    activate("en")


def test_a_course_list_names_the_title_column_and_its_placeholder_is_not_quoted(page):
    chunks, html = page("/courses")
    assert "课程名称" in chunks and "职务" not in chunks
    assert 'placeholder="代码或名称"' in html and "&#34;" not in html


def test_a_mentor_still_has_a_job_title(page):
    chunks, _ = page(f"/people/{_user_id('mentor1')}")
    assert "职务" in chunks


def test_only_a_live_session_shows_a_broadcast_result(page):
    chunks, _ = page("/exams/1")
    assert "结果" in chunks and "直播结果" not in chunks
    chunks, _ = page("/teams/1/sessions/1")
    assert "直播结果" in chunks


def test_notes_are_notes_and_a_guidance_log_keeps_its_record(page):
    chunks, _ = page("/pairings/enterprise")
    assert "备注" in chunks and "记录内容" not in chunks
    chunks, _ = page("/guidance/logs/1")
    assert "记录内容" in chunks


def test_post_names_in_a_list_are_separated(page):
    with db.open_session() as session:
        names = [post.name_zh for post in session.exec(select(Post)).all()]
    for url in ("/certificates", "/competitions"):
        _, html = page(url)
        text = re.sub(r"<[^>]+>", "", html)  # what a screen reader or a copy reads
        joined = [a + b for a in names for b in names if a + b in text]
        assert not joined, (url, joined)


def test_a_team_lists_its_cohorts_in_the_cohort_format(page):
    chunks, _ = page("/teams/1")
    assert "网络营销与直播电商 2023级 1班、网络营销与直播电商 2024级 1班" in chunks


def test_a_programme_version_names_its_intake_as_everywhere_else(page):
    _, html = page("/programmes/1/versions/1")
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "网络营销与直播电商 2024级" in title


def test_a_certificate_level_reads_the_same_on_the_dashboard_as_on_the_certificate(page):
    chunks, _ = page("/", "student1")
    assert any("五级（初级工）" in chunk for chunk in chunks), chunks
    assert not any(re.search(r"\d 级", chunk) for chunk in chunks)


def test_the_studio_report_chart_gives_hours_in_chinese(page):
    _, html = page("/studios/report")
    titles = re.findall(r"<title>([^<]*)</title>", html)[1:]  # the page's own title first
    assert titles and all(title.endswith(" 小时") for title in titles), titles[:3]


def test_names_in_a_sentence_are_joined_with_the_chinese_enumeration_comma():
    from app.web import env

    template = env.from_string("{{ ['陈老师', '赵涵']|join(list_separator()) }}")
    assert template.render(locale="zh_CN") == "陈老师、赵涵"
    assert template.render(locale="en") == "陈老师, 赵涵"


def test_the_evaluation_overview_names_cohorts_as_the_rest_of_the_page_does(page):
    for lang, name in (("zh_CN", "网络营销与直播电商 2024级 1班"), ("en", "intake 2024, class 1")):
        _, html = page("/evaluation", lang=lang)
        table = html[html.index("<table") : html.index("</table>")]
        start = html.index("<svg viewBox")  # the chart, not the bell icon
        chart = html[start : html.index("</svg>", start)]
        assert name in table and name in chart, lang
    assert "级" not in table and "级" not in chart  # the English page, in English
