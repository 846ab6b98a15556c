"""award_facts(): the contract the evaluation reads (one row per student per award)."""

from datetime import UTC, date, datetime

from sqlmodel import select

from app.models.teams import TeamMember
from app.services.contests.awards import award_facts
from tests.factories import make_student
from tests.factories_contests import make_edition, make_entry, make_external, make_round
from tests.factories_teams import ensure_posts, make_team


def _facts(session, **kwargs):
    rows = session.exec(award_facts(**kwargs)).all()
    return sorted(
        (r.student_id, r.level, r.award, r.awarded_on, r.source_kind, r.source_id) for r in rows
    )


def test_columns_are_those_of_the_contract(session):
    names = [c.name for c in award_facts().selected_columns]
    assert names == [
        "student_id",
        "level",
        "award",
        "awarded_on",
        "source_kind",
        "source_id",
        "contest",
    ]
    assert session.exec(award_facts()).all() == []


def test_team_awards_count_for_members_active_on_the_award_day(session):
    posts = ensure_posts(session)
    a, b, gone, late = (make_student(session) for _ in range(4))
    team = make_team(session, members=[(a, "anchor"), (b, "operation")])
    session.add(
        TeamMember(
            team_id=team.id,
            user_id=gone.id,
            post_id=posts["traffic"].id,
            joined_on=date(2025, 10, 1),
            left_on=date(2026, 3, 1),
        )
    )
    session.add(
        TeamMember(
            team_id=team.id,
            user_id=late.id,
            post_id=posts["traffic"].id,
            joined_on=date(2026, 7, 1),
        )
    )
    published = make_round(
        session,
        level="provincial",
        published_at=datetime(2026, 6, 1, tzinfo=UTC),
        results_on=date(2026, 6, 1),
    )
    unpublished = make_round(session, level="school")
    entry = make_entry(session, round_=published, team=team, award="first")
    make_entry(session, round_=unpublished, team=team, award="second")  # not published
    took_part = make_entry(session, round_=published, team=team, award=None)  # no prize
    ext_team = make_external(
        session, team_id=team.id, level="national", award="bronze", awarded_on=date(2026, 2, 1)
    )
    solo = make_external(
        session,
        student_id=late.id,
        level="municipal",
        award="excellence",
        awarded_on=date(2026, 8, 1),
    )
    session.commit()

    facts = _facts(session)
    assert facts == sorted(
        [
            (a.id, "provincial", "first", date(2026, 6, 1), "entry", entry.id),
            (b.id, "provincial", "first", date(2026, 6, 1), "entry", entry.id),
            # an entry of a published round without a prize took part: a participation
            (a.id, "provincial", "participation", date(2026, 6, 1), "entry", took_part.id),
            (b.id, "provincial", "participation", date(2026, 6, 1), "entry", took_part.id),
            (a.id, "national", "bronze", date(2026, 2, 1), "external", ext_team.id),
            (b.id, "national", "bronze", date(2026, 2, 1), "external", ext_team.id),
            (gone.id, "national", "bronze", date(2026, 2, 1), "external", ext_team.id),
            (late.id, "municipal", "excellence", date(2026, 8, 1), "external", solo.id),
        ]
    )
    in_window = _facts(session, start=date(2026, 5, 1), end=date(2026, 7, 1))
    assert sorted(f[5] for f in in_window) == sorted(
        [entry.id, entry.id, took_part.id, took_part.id]
    )
    # usable as a subquery, as the evaluation does
    sub = award_facts(start=date(2026, 1, 1)).subquery()
    assert len(session.exec(select(sub.c.student_id)).all()) == 8


def test_each_fact_names_its_contest_a_competition_in_one_year(session):
    """A school round and the outside provincial result of one competition and year are
    one contest; an outside result of no catalogued competition is a contest of its own."""
    student = make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    edition = make_edition(session, year=2026)
    school = make_round(
        session,
        edition=edition,
        level="school",
        published_at=datetime(2026, 4, 1, tzinfo=UTC),
        results_on=date(2026, 4, 1),
    )
    make_entry(session, round_=school, team=team, award="first")
    provincial = make_external(
        session,
        student_id=student.id,
        level="provincial",
        award="second",
        awarded_on=date(2026, 5, 20),
    )
    provincial.competition_id = edition.competition_id
    loose = make_external(
        session,
        student_id=student.id,
        level="municipal",
        award="third",
        awarded_on=date(2026, 6, 1),
    )
    loose.competition_id = None
    session.commit()
    contests = {(r.source_kind, r.source_id): r.contest for r in session.exec(award_facts()).all()}
    same = f"{edition.competition_id}:{edition.year}"
    assert contests[("external", provincial.id)] == same
    assert list(contests.values()).count(same) == 2
    assert contests[("external", loose.id)] == f"external:{loose.id}"
