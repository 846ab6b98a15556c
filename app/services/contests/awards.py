"""Competition awards as flat facts for the evaluation (one row per student per award).

Contract between the competitions domain (which owns this module and its real query)
and the evaluation (which reads it as a subquery):

    award_facts(start=None, end=None) -> Select with columns
        student_id (int), level (str: school / municipal / provincial / national /
        international), award (str: participation / excellence / third / second / first
        / bronze / silver / gold), awarded_on (date), source_kind ('entry' | 'external'),
        source_id (int), contest (str: "<competition id>:<year>", or "external:<id>" for
        an outside result of no catalogued competition)

A team award yields one row per team member active on the award date.

Internal awards count once their round is published (``contest_round.results_on`` is the
award date; the round's level is the award's level); withdrawn entries never count. A
registered entry of a published round without a prize is a participation: the team took
part. ``contest`` names the competition and year, so that a school round and the
provincial result of the same contest can be told apart from two contests.
External results count from their ``awarded_on``, for the student or the team's members.
"""

from datetime import date

from sqlalchemy import String, and_, cast, extract, func, literal, or_, select, union_all
from sqlalchemy.sql import Select

from app.models.contests import Edition, Entry, EntryStatus, ExternalResult, Round
from app.models.teams import TeamMember


def _active_on(day_column):
    return and_(
        TeamMember.joined_on <= day_column,
        or_(TeamMember.left_on.is_(None), TeamMember.left_on > day_column),
    )


def _contest(competition_id, year):
    return (cast(competition_id, String) + literal(":", String) + cast(year, String)).label(
        "contest"
    )


def _external_contest():
    year = cast(extract("year", ExternalResult.awarded_on), String)
    catalogued = cast(ExternalResult.competition_id, String) + literal(":", String) + year
    own = literal("external:", String) + cast(ExternalResult.id, String)
    return func.coalesce(catalogued, own).label("contest")


def _between(column, start: date | None, end: date | None) -> list:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end)
    return conditions


def award_facts(*, start: date | None = None, end: date | None = None) -> Select:
    """Awards in [start, end] as evaluation facts: internal (published) and external."""
    entries = (
        select(
            TeamMember.user_id.label("student_id"),
            Round.level.label("level"),
            func.coalesce(Entry.award, literal("participation", String)).label("award"),
            Round.results_on.label("awarded_on"),
            literal("entry", String).label("source_kind"),
            Entry.id.label("source_id"),
            _contest(Edition.competition_id, Edition.year),
        )
        .join(Round, Round.id == Entry.round_id)
        .join(Edition, Edition.id == Round.edition_id)
        .join(TeamMember, and_(TeamMember.team_id == Entry.team_id, _active_on(Round.results_on)))
        .where(
            Entry.status == EntryStatus.registered.value,
            Round.published_at.is_not(None),
            Round.results_on.is_not(None),
            *_between(Round.results_on, start, end),
        )
        .distinct()
    )
    external_team = (
        select(
            TeamMember.user_id.label("student_id"),
            ExternalResult.level.label("level"),
            ExternalResult.award.label("award"),
            ExternalResult.awarded_on.label("awarded_on"),
            literal("external", String).label("source_kind"),
            ExternalResult.id.label("source_id"),
            _external_contest(),
        )
        .join(
            TeamMember,
            and_(
                TeamMember.team_id == ExternalResult.team_id,
                _active_on(ExternalResult.awarded_on),
            ),
        )
        .where(*_between(ExternalResult.awarded_on, start, end))
        .distinct()
    )
    external_student = select(
        ExternalResult.student_id.label("student_id"),
        ExternalResult.level.label("level"),
        ExternalResult.award.label("award"),
        ExternalResult.awarded_on.label("awarded_on"),
        literal("external", String).label("source_kind"),
        ExternalResult.id.label("source_id"),
        _external_contest(),
    ).where(
        ExternalResult.student_id.is_not(None), *_between(ExternalResult.awarded_on, start, end)
    )
    facts = union_all(entries, external_team, external_student).subquery("award_facts")
    return select(
        facts.c.student_id,
        facts.c.level,
        facts.c.award,
        facts.c.awarded_on,
        facts.c.source_kind,
        facts.c.source_id,
        facts.c.contest,
    )
