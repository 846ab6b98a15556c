"""Evaluations kept per worker until the data they were computed from changes.

At 10,000 students one evaluation costs about a second (splitting every live session's
income among its members, scoring every student), and the overview and cohort pages
compute one on every visit. The pages' evaluation is kept under the "evaluation" data
token (app/services/revisions.py), which every committed change to the tables below
renews. Exports, snapshots and the scheme preview always compute afresh.
"""

from sqlmodel import Session, SQLModel

from app.models import catalogue, contests, evaluation, people, teams
from app.models.evaluation import DataRevision
from app.services import revisions

REVISION = "evaluation"
_NOT_READ = frozenset(
    {
        evaluation.ExportJob,
        evaluation.EvaluationSnapshot,
        evaluation.EvaluationSnapshotRow,
        evaluation.OutcomeImport,
        teams.GuidanceLog,
        teams.GuidanceLogChange,
        teams.GuidanceTopic,
        teams.ActionItem,
    }
)


def _tables_of(*modules) -> frozenset[type]:
    found = set()
    for module in modules:
        for value in vars(module).values():
            is_model = isinstance(value, type) and issubclass(value, SQLModel)
            if is_model and getattr(value, "__table__", None) is not None:
                found.add(value)
    return frozenset(found - _NOT_READ - {DataRevision})


# Every table of the domains the evaluation reads (people, teams and their sessions,
# contests and their results, outcomes and schemes, the catalogue), less those it never
# reads; of the accounts, only the name (students' names are in the results).
INPUTS = _tables_of(people, teams, contests, evaluation, catalogue)
revisions.track(REVISION, INPUTS, user_fields=("full_name",))

KEPT = revisions.Keeper(REVISION, size=4)  # each visible cohort set and period is one


def kept_or_computed(session: Session, key: tuple, compute):
    """The evaluation kept under the data's token and ``key``, or ``compute()`` (kept)."""
    return KEPT.get(session, key, compute)
