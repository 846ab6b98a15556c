"""Competition awards as flat facts for the evaluation (one row per student per award).

Contract between the competitions domain (which owns this module and its real query)
and the evaluation (which reads it as a subquery):

    award_facts(start=None, end=None) -> Select with columns
        student_id (int), level (str: school / municipal / provincial / national /
        international), award (str: participation / excellence / third / second / first
        / bronze / silver / gold), awarded_on (date), source_kind ('entry' | 'external'),
        source_id (int)

A team award yields one row per team member active on the award date.
"""

from datetime import date

from sqlalchemy import Date, Integer, String, false, literal, select
from sqlalchemy.sql import Select


def award_facts(*, start: date | None = None, end: date | None = None) -> Select:
    """Awards in [start, end] as evaluation facts (placeholder until competitions land)."""
    return select(
        literal(0, Integer).label("student_id"),
        literal("", String).label("level"),
        literal("", String).label("award"),
        literal(date(2000, 1, 1), Date).label("awarded_on"),
        literal("", String).label("source_kind"),
        literal(0, Integer).label("source_id"),
    ).where(false())
