"""Staff's unfiltered teams list (and the team page's posts) are kept per worker until a
team, its cohorts or members, a cohort, a post or a captain's name changes: every
committed change shows at once, a filtered list and a student's list are read live, and a
second visit reads no team."""

from sqlalchemy import update
from sqlmodel import select

from app.models import Cohort, Post, User
from app.models.teams import Team, TeamCohort, TeamMember
from tests.factories import make_admin, make_cohort, make_student, make_teacher
from tests.factories_teams import ensure_posts, make_team


def test_every_committed_change_shows_at_once_on_the_kept_list(
    client, other_client, session, statement_counter
):
    ensure_posts(session)
    captain = make_student(session, full_name="旧队长")
    team = make_team(session, name="保鲜队", members=[(captain, "anchor")], captain=captain)
    cohort = make_cohort(session, class_number=71)
    teacher, admin = make_teacher(session), make_admin(session)
    session.commit()
    client.login(admin.username)
    other_client.login(teacher.username)
    with statement_counter() as first:
        assert "保鲜队" in client.get("/teams").text
    assert any("FROM team " in s for s in first)
    with statement_counter() as second:
        page = other_client.get("/teams").text  # another staff member: the kept page
    assert "保鲜队" in page and not any("FROM team " in s for s in second)

    session.execute(update(Team).where(Team.id == team.id).values(name="改名队"))
    session.commit()
    assert "改名队" in client.get("/teams").text

    session.execute(update(User).where(User.id == captain.id).values(full_name="新队长"))
    session.commit()
    assert "新队长" in client.get("/teams").text

    session.add(TeamCohort(team_id=team.id, cohort_id=cohort.id))
    session.commit()
    label = session.get(Cohort, cohort.id).label("zh_CN")
    assert label in client.get("/teams").text

    anchor = session.exec(select(Post).where(Post.code == "anchor")).one()
    before = client.get("/teams").text.count("badge-warn")
    member = session.exec(select(TeamMember).where(TeamMember.team_id == team.id)).one()
    session.delete(member)  # the anchor post is no longer covered
    session.commit()
    after = client.get("/teams").text
    assert after.count("badge-warn") == before + 1 and anchor.name_zh in after

    session.execute(update(Post).where(Post.id == anchor.id).values(name_zh="新主播岗"))
    session.commit()
    assert "新主播岗" in client.get("/teams").text


def test_filtered_and_student_lists_are_read_live(client, other_client, session):
    ensure_posts(session)
    student = make_student(session)
    mine = make_team(session, name="我的队", members=[(student, "anchor")])
    make_team(session, name="别人的队")
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    other_client.login(student.username)
    assert "别人的队" in client.get("/teams").text  # kept for staff
    page = other_client.get("/teams").text
    assert "我的队" in page and "别人的队" not in page
    assert "别人的队" not in client.get("/teams?q=我的").text
    session.execute(update(Team).where(Team.id == mine.id).values(name="我的新队"))
    session.commit()
    assert "我的新队" in other_client.get("/teams").text


def test_the_team_pages_kept_posts_show_a_renamed_post_at_once(client, session, statement_counter):
    ensure_posts(session)
    student = make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    url = f"/teams/{team.id}"
    client.get(url)
    with statement_counter() as kept:
        assert client.get(url).status_code == 200
    assert not any("FROM post ORDER BY" in " ".join(s.split()) for s in kept)
    session.execute(update(Post).where(Post.code == "anchor").values(name_zh="改名主播"))
    session.commit()
    assert "改名主播" in client.get(url).text
