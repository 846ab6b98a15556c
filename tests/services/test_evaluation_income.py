"""The income split summed for whole cohorts (``income.income_sums``, one pass over the
sessions) gives each student exactly the shares of the per-session rule that a student's
own pages read (``figures.session_shares``): equal whole fen, the leftover fen one each to
the first members by student number, only members active on the session's date."""

from datetime import date

from sqlmodel import func, select

from app.models import StudentProfile
from app.models.teams import TeamMember
from app.services.evaluation import figures, income
from tests.factories import make_cohort, make_student
from tests.factories_evaluation import PERIOD
from tests.factories_teams import ensure_posts, make_live_session, make_project, make_team


def _join(session, team, student, joined, left=None):
    post = ensure_posts(session)["anchor"]
    session.add(
        TeamMember(
            team_id=team.id, user_id=student.id, post_id=post.id, joined_on=joined, left_on=left
        )
    )
    session.flush()


def _numbered(session, cohort, number):
    student = make_student(session, cohort=cohort)
    profile = session.get(StudentProfile, student.id)
    profile.student_number = number
    session.add(profile)
    session.flush()
    return student


def _world(session):
    """Team T: c (A001), a (A002), b (A003, another cohort); team U: a alone."""
    mine, other = make_cohort(session), make_cohort(session)
    a = _numbered(session, mine, "A002")
    c = _numbered(session, mine, "A001")
    b = _numbered(session, other, "A003")
    team, solo = make_team(session), make_team(session)
    _join(session, team, a, date(2025, 9, 1))
    _join(session, team, a, date(2025, 9, 1), date(2025, 9, 30))  # a second stint: one member
    _join(session, team, b, date(2025, 9, 1), date(2025, 10, 1))  # gone from 1 Oct
    _join(session, team, c, date(2025, 9, 15))  # there from 15 Sep
    _join(session, solo, a, date(2025, 9, 1))
    project, solo_project = make_project(session, team), make_project(session, solo)
    for on, fen in [
        (date(2025, 9, 10), 101),  # a, b: 51 to a (A002 before A003), 50 to b
        (date(2025, 9, 15), 100),  # c, a, b: 34 c, 33 a, 33 b
        (date(2025, 9, 20), 2),  # c, a, b: 1 c, 1 a, 0 b
        (date(2025, 10, 1), 7),  # c, a: 4 c, 3 a (b left that day)
        (date(2025, 12, 1), 0),  # c, a: nothing, but a session each
    ]:
        make_live_session(session, team, project, on=on, income_fen=fen)
    make_live_session(session, solo, solo_project, on=date(2025, 9, 3), income_fen=999)
    make_live_session(session, solo, solo_project, on=date(2025, 8, 3), income_fen=5)  # before
    session.flush()
    return mine, other, a, b, c, team, solo


def _rule(session, cohort_ids):
    """Each student's (sessions, fen) summed from the per-session rule."""
    shares = figures.session_shares(PERIOD)
    rows = session.exec(
        select(shares.c.uid, func.count(), func.sum(shares.c.share))
        .where(shares.c.uid.in_(figures.student_ids(cohort_ids)))
        .group_by(shares.c.uid)
    ).all()
    return {uid: (count, int(fen)) for uid, count, fen in rows}


def test_the_sums_follow_the_split_by_hand(session):
    mine, other, a, b, c, *_ = _world(session)
    sums = income.income_sums(session, [mine.id], PERIOD)
    assert {uid: (n, fen) for uid, n, fen in sums.students} == {
        a.id: (6, 51 + 33 + 1 + 3 + 0 + 999),
        c.id: (4, 34 + 1 + 4 + 0),
    }
    assert sums.cohort_sessions == {mine.id: 6}  # distinct sessions shared to its students

    sums = income.income_sums(session, [other.id], PERIOD)
    assert sums.students == [(b.id, 3, 50 + 33 + 0)]
    assert sums.cohort_sessions == {other.id: 3}


def test_each_team_gets_its_sessions_and_income_even_without_members(session):
    *_, team, solo = _world(session)
    nobody = make_team(session)
    make_live_session(session, nobody, make_project(session, nobody), on=date(2025, 9, 5))
    sums = income.income_sums(session, [], PERIOD)
    assert sums.team_totals[team.id] == (5, 101 + 100 + 2 + 7 + 0)
    assert sums.team_totals[solo.id] == (1, 999)  # the August session is outside the period
    assert sums.team_totals[nobody.id][0] == 1
    assert sums.students == []


def test_the_sums_equal_the_per_session_rule(session):
    mine, other, *_ = _world(session)
    for cohort_ids in ([mine.id], [other.id], [mine.id, other.id]):
        students = income.income_sums(session, cohort_ids, PERIOD).students
        assert {uid: (n, fen) for uid, n, fen in students} == _rule(session, cohort_ids)
