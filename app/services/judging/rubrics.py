"""What contest judging and certificate exams share: a score sheet written one way, so the
two cannot drift apart (their criteria and score sheets are the same forms,
``app.schemas.judging.CriterionForm`` and ``ScoresForm``).

Both store criteria with ``name_zh, name_en, weight, max_score, sort_order`` and scores as
one row per criterion with a ``value``; the callers own the tables and who may write.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from sqlmodel import Session


class ScoreRow(Protocol):
    value: Decimal


def write_scores(
    session: Session,
    values: Mapping[int, Decimal | None],
    existing: Mapping[int, ScoreRow],
    new_row: Callable[[int, Decimal], Any],
) -> None:
    """Apply checked values to the score rows by criterion id: delete, add or update."""
    for criterion_id, value in values.items():
        row = existing.get(criterion_id)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(new_row(criterion_id, value))
        elif row.value != value:
            row.value = value
            session.add(row)
