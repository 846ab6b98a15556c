"""The blocks a dashboard shows from other domains read only the columns they show (bundles,
not model objects) and still list exactly what they listed: a judge's entries still to
score, a mentor's teams and open action items."""

from app.models.base import utcnow
from tests.factories import make_mentor, make_teacher
from tests.factories_contests import (
    make_assignment,
    make_criterion,
    make_edition,
    make_entry,
    make_round,
    score,
)
from tests.factories_teams import make_team


def test_a_judge_sees_only_the_entries_still_to_score(client, session):
    judge = make_teacher(session)
    edition = make_edition(session)
    open_round = make_round(session, edition=edition)
    published = make_round(session, edition=edition, position=2, published_at=utcnow())
    first = make_criterion(session, round_=open_round)
    make_criterion(session, round_=open_round)
    assignments = {}
    for name, round_, extra in (
        ("待评甲队", open_round, {}),
        ("已交乙队", open_round, {"submitted_at": utcnow()}),
        ("回避丙队", open_round, {"recused_at": utcnow()}),
        ("已公布丁队", published, {}),
    ):
        entry = make_entry(session, round_=round_, team=make_team(session, name=name))
        assignments[name] = make_assignment(session, entry=entry, judge=judge, **extra)
    score(session, assignments["待评甲队"], {first.id: 5})
    session.commit()
    client.login(judge.username)
    page = client.get("/").text
    block = page.split('id="dash-judging"')[1].split("</section>")[0]
    assert "待评甲队" in block and f'href="/judging/{assignments["待评甲队"].id}"' in block
    assert "已评 1 / 2 项" in block  # one of the round's two criteria scored
    for name in ("已交乙队", "回避丙队", "已公布丁队"):
        assert name not in block
    assert "<title>" in page and "dash-judging" not in page.split("</title>")[0]


def test_a_mentors_entries_to_judge_show_once_in_the_page_not_in_its_title(client, session):
    mentor = make_mentor(session)
    round_ = make_round(session)
    make_criterion(session, round_=round_)
    entry = make_entry(session, round_=round_, team=make_team(session, name="导师评审队"))
    make_assignment(session, entry=entry, judge=mentor)
    session.commit()
    client.login(mentor.username)
    page = client.get("/").text
    title = page.split("<title>")[1].split("</title>")[0]
    assert "导师评审队" not in title and "dash-judging" not in title
    assert page.count('id="dash-judging"') == 1 and "导师评审队" in page
