"""Evaluations kept per worker until the data they were computed from changes.

At 10,000 students one evaluation costs about a second (splitting every live session's
income among its members, scoring every student), and the overview and cohort pages
compute one on every visit. A result is kept under the token of the data it read
(``DataRevision``): a transaction that adds, changes or deletes a row the evaluation
reads (through the ORM or a bulk statement) writes a new random token as it commits.
A page reads the token first and the data after, so a result is never kept under a token
older than what it read; every worker reads the token from the database, so a change
committed by any worker shows at once everywhere. The token is written as the changing
transaction commits; until then that transaction computes afresh and keeps nothing.

Exports, snapshots and the scheme preview always compute afresh.
"""

import secrets
import threading
from collections import OrderedDict
from itertools import chain

from sqlalchemy import event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel

from app.models import User, catalogue, contests, evaluation, people, teams
from app.models.evaluation import DataRevision

REVISION = "evaluation"
CHANGED = "evaluation_data_changed"
# Set in a session's info for a database at an older schema, before the token's table.
UNTRACKED = "evaluation_data_untracked"
KEPT = 4  # results per worker: each visible cohort set and period is one
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
# reads; of the accounts, only a name change (students' names are in the results).
INPUTS = _tables_of(people, teams, contests, evaluation, catalogue)

_kept: OrderedDict[tuple, object] = OrderedDict()
_lock = threading.Lock()


def _changes_inputs(session: OrmSession) -> bool:
    for obj in chain(session.new, session.deleted):
        if type(obj) in INPUTS or isinstance(obj, User):
            return True
    for obj in session.dirty:
        if type(obj) in INPUTS and session.is_modified(obj):
            return True
        if isinstance(obj, User) and inspect(obj).attrs.full_name.history.has_changes():
            return True
    return False


def write_revision(session: OrmSession) -> None:
    """A new token for the evaluation's data, in the session's transaction."""
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    token = secrets.token_hex(16)
    statement = insert(DataRevision.__table__).values(name=REVISION, token=token)
    connection.execute(
        statement.on_conflict_do_update(index_elements=["name"], set_={"token": token})
    )


# The token is written at commit, not at the change: on PostgreSQL writing it locks its
# row until the transaction ends, and every change to the evaluation's data would queue
# behind the slowest such transaction. Until then the transaction knows it has changes.
@event.listens_for(OrmSession, "before_flush")
def _note_flushed_change(session, _flush_context, _instances) -> None:
    if _changes_inputs(session):
        session.info[CHANGED] = True


@event.listens_for(OrmSession, "do_orm_execute")
def _note_bulk_change(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and (mapper.class_ in INPUTS or mapper.class_ is User):
        state.session.info[CHANGED] = True


@event.listens_for(OrmSession, "before_commit")
def _revise_on_commit(session) -> None:
    # Changes not flushed yet are flushed after this hook, inside the same commit.
    if session.info.get(UNTRACKED):
        return
    if session.info.get(CHANGED) or _changes_inputs(session):
        write_revision(session)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_change(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(CHANGED, None)


def current_revision(session: Session) -> str | None:
    return session.exec(
        select(DataRevision.token).where(DataRevision.name == REVISION)
    ).scalar_one_or_none()


def kept_or_computed(session: Session, key: tuple, compute):
    """The result kept under the data's token and ``key``, or ``compute()`` (kept)."""
    token = current_revision(session)
    if token is None or session.info.get(CHANGED):  # a new database; or its own change,
        return compute()  # which the token (written at commit) does not know yet
    full_key = (token, *key)
    with _lock:
        if full_key in _kept:
            _kept.move_to_end(full_key)
            return _kept[full_key]
    result = compute()
    with _lock:
        _kept[full_key] = result
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return result


def forget_all() -> None:
    """Drop every kept result (the tests' database reset, which bypasses the ORM)."""
    with _lock:
        _kept.clear()
