"""Factories for the evaluation, and the hand-computed world its tests check.

``make_world`` builds two cohorts whose every score is worked out by hand in
``HAND`` (the arithmetic is written beside each figure). Awards come from real
competition records (an entry in a published round, external results), read by
``award_facts`` exactly as in production.
"""

from datetime import UTC, date, datetime
from decimal import Decimal as D

from sqlmodel import Session

from app.models.evaluation import GraduateOutcome
from app.models.teams import FollowerSnapshot, PlatformAccount, TeamMember
from app.services.evaluation.compute import Period
from tests.factories import make_cohort, make_student, make_teacher
from tests.factories_contests import make_entry, make_external, make_round
from tests.factories_teams import ensure_posts, make_live_session, make_project, make_team

PERIOD = Period(date(2025, 9, 1), date(2026, 1, 31))


def make_outcome(session: Session, student, *, outcome: str, on: date, organisation: str = ""):
    record = GraduateOutcome(
        student_id=student.id, outcome=outcome, outcome_on=on, organisation=organisation
    )
    session.add(record)
    session.flush()
    return record


def _member(session, team, user, post, joined, left=None):
    session.add(
        TeamMember(
            team_id=team.id, user_id=user.id, post_id=post.id, joined_on=joined, left_on=left
        )
    )
    session.flush()


def _account(session, project, handle, counts: list[tuple[date, int]]):
    account = PlatformAccount(project_id=project.id, platform="douyin", handle=handle)
    session.add(account)
    session.flush()
    for on, followers in counts:
        session.add(FollowerSnapshot(account_id=account.id, recorded_on=on, followers=followers))
    session.flush()
    return account


def make_world(session: Session) -> dict:
    """Cohort A (s1, s2, s3, team T1) and cohort B (s4, team T2); see HAND."""
    posts = ensure_posts(session)
    anchor = posts["anchor"]
    head = make_teacher(session)
    cohort_a = make_cohort(session, head_teacher_id=head.id)
    cohort_b = make_cohort(session)
    s1 = make_student(session, cohort=cohort_a, full_name="王一")
    s2 = make_student(session, cohort=cohort_a, full_name="-2+3 李二")
    s3 = make_student(session, cohort=cohort_a, full_name='=HYPERLINK("http://evil.example")')
    s4 = make_student(session, cohort=cohort_b, full_name="@赵四")
    t1 = make_team(session, name="+SUM(1) 星火")
    t2 = make_team(session, name="瓯江好物")
    _member(session, t1, s1, anchor, date(2025, 9, 1))
    _member(session, t1, s2, anchor, date(2025, 9, 1), date(2025, 11, 1))  # leaves 1 Nov
    _member(session, t1, s3, anchor, date(2025, 10, 15))  # joins 15 Oct
    _member(session, t2, s4, anchor, date(2025, 9, 1))
    p1, p2 = make_project(session, t1), make_project(session, t2)
    # income (dimension 2)
    make_live_session(session, t1, p1, on=date(2025, 9, 10), income_fen=30000)  # s1, s2
    make_live_session(session, t1, p1, on=date(2025, 10, 20), income_fen=90001)  # s1, s2, s3
    make_live_session(session, t1, p1, on=date(2025, 11, 5), income_fen=20000)  # s1, s3
    make_live_session(session, t1, p1, on=date(2025, 8, 31), income_fen=50000)  # before
    make_live_session(session, t1, p1, on=date(2025, 12, 1), completed=False)  # planned only
    make_live_session(session, t2, p2, on=date(2025, 10, 1), income_fen=12345)  # s4
    # followers (dimension 3)
    _account(session, p1, "t1-a", [(date(2025, 9, 1), 0), (date(2026, 1, 31), 9)])
    _account(session, p1, "t1-b", [(date(2025, 10, 1), 90), (date(2026, 2, 15), 5000)])
    _account(session, p2, "t2-a", [(date(2025, 9, 5), 0), (date(2025, 12, 5), 999)])
    # awards (dimension 1)
    make_external(
        session, student_id=s1.id, level="provincial", award="first", awarded_on=date(2025, 10, 10)
    )
    make_external(
        session,
        student_id=s1.id,
        level="school",
        award="participation",
        awarded_on=date(2025, 9, 20),
    )
    make_external(
        session, student_id=s2.id, level="international", award="gold", awarded_on=date(2025, 9, 30)
    )
    make_external(
        session, student_id=s2.id, level="national", award="gold", awarded_on=date(2025, 10, 30)
    )
    make_external(
        session, student_id=s2.id, level="national", award="gold", awarded_on=date(2026, 3, 1)
    )  # after the period
    round_ = make_round(
        session,
        level="national",
        published_at=datetime(2025, 12, 10, 8, tzinfo=UTC),
        results_on=date(2025, 12, 10),
    )
    entry = make_entry(session, round_=round_, team=t1, award="bronze")
    # outcomes (dimension 3)
    make_outcome(
        session, s1, outcome="self_employed", on=date(2026, 1, 10), organisation="@温州好物工作室"
    )
    make_outcome(
        session,
        s2,
        outcome="employed_trade",
        on=date(2026, 1, 5),
        organisation="=cmd|' /C calc'!A0",
    )
    make_outcome(session, s3, outcome="further_study", on=date(2026, 6, 30))  # after the period
    make_outcome(session, s4, outcome="further_study", on=date(2026, 1, 20))
    return {
        "head": head,
        "cohort_a": cohort_a,
        "cohort_b": cohort_b,
        "s1": s1,
        "s2": s2,
        "s3": s3,
        "s4": s4,
        "t1": t1,
        "t2": t2,
        "entry": entry,
    }


# Every figure by hand, default scheme v1 (weights 40/35/25; cap 100; percentile; outcome
# points self-employed 60, in the trade 45, further study 35; influence 8·log10(1+followers)
# + 6·log10(1+growth), at most 40).
HAND = {
    "s1": {
        # provincial first 24 + school participation 2 + national bronze (team entry) 20
        "award_points": 46,
        "awards": 2,
        "participations": 1,
        "competition": D("46.00"),  # 100 × 46 / 100
        # 30000/2 + 90001/3 + 20000/2 = 15000 + 30001 + 10000: 90001 = 3 × 30000 + 1, and
        # the leftover fen goes to the first member by student number (s1)
        "sessions": 3,
        "income_fen": 55001,
        "income": D("100.00"),  # 3 of the cohort's 3 earn no more
        # T1: followers 9 + 90 = 99, growth 9 − 0 = 9 → 8×2 + 6×1 = 22; self-employed 60
        "followers": 99,
        "growth": 9,
        "influence": D("82.00"),  # 60 + 22
        "total": D("73.90"),  # (40×46 + 35×100 + 25×82) / 100 = 7390 / 100
        "rank": 2,
    },
    "s2": {
        # international gold 72 + national gold 48 = 120 (the 2026-03 gold is outside)
        "award_points": 120,
        "awards": 2,
        "participations": 0,
        "competition": D("100.00"),  # capped at 100
        "sessions": 2,
        "income_fen": 45000,  # 15000 + 30000 (s2 and s3 take 30000 of the 90001)
        "income": D("66.67"),  # 2 of 3 → 66.666…
        "followers": 99,
        "growth": 9,
        "influence": D("67.00"),  # 45 + 22
        "total": D("80.08"),  # (4000 + 35×66.67 + 25×67) / 100 = 8008.45 / 100 = 80.0845
        "rank": 1,
    },
    "s3": {
        "award_points": 20,
        "awards": 1,
        "participations": 0,  # the team's bronze
        "competition": D("20.00"),
        "sessions": 2,
        "income_fen": 40000,  # 30000 + 10000
        "income": D("33.33"),  # 1 of 3
        "followers": 99,
        "growth": 9,
        "influence": D("22.00"),  # no outcome by the period's end + 22
        "total": D("25.17"),  # (800 + 35×33.33 + 25×22) / 100 = 2516.55 / 100 = 25.1655
        "rank": 3,
    },
    "s4": {
        "award_points": 0,
        "awards": 0,
        "participations": 0,
        "competition": D("0.00"),
        "sessions": 1,
        "income_fen": 12345,
        "income": D("100.00"),  # alone in cohort B
        # followers 999, growth 999 → 8×3 + 6×3 = 42, capped at 40; further study 35
        "followers": 999,
        "growth": 999,
        "influence": D("75.00"),
        "total": D("53.75"),  # (0 + 3500 + 25×75) / 100
        "rank": 1,
    },
}
HAND_COHORT_A = {
    "means": {
        "competition": D("55.33"),  # (46 + 100 + 20) / 3 = 55.333…
        "income": D("66.67"),  # (100 + 66.67 + 33.33) / 3 = 66.666…
        "influence": D("57.00"),  # (82 + 67 + 22) / 3
        "total": D("59.72"),  # (73.90 + 80.08 + 25.17) / 3 = 59.7166…
    },
    "awards": 5,
    "participations": 1,
    "sessions": 3,
    "income_fen": 140001,  # the shares add up to the sessions: 30000 + 90001 + 20000
    "outcomes_recorded": 2,
    "self_employed": 1,
    "self_employed_share": D("50.00"),
}
HAND_TEAMS = {
    # T1: members s1, s2, s3; income 30000 + 90001 + 20000 in the period; mean of totals
    "t1": {
        "members": 3,
        "sessions": 3,
        "income_fen": 140001,
        "followers": 99,
        "growth": 9,
        "mean_total": D("59.72"),
        "rank": 1,
    },
    "t2": {
        "members": 1,
        "sessions": 1,
        "income_fen": 12345,
        "followers": 999,
        "growth": 999,
        "mean_total": D("53.75"),
        "rank": 2,
    },
}
