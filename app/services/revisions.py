"""Results kept per worker until the data they were computed from changes.

A domain registers the tables a kept result reads under a name (``track``). A transaction
that adds, changes or deletes a row of those tables (through the ORM, or a bulk
statement) writes a new random token for that name (``DataRevision``) as it commits, so
every worker sees the new token the moment the change is committed. A ``Keeper`` keeps
results under the tokens of the names they read: a service reads the tokens first and the
data after, so a result is never kept under a token older than what it read. Until a
changing transaction commits, that transaction computes afresh and keeps nothing (the
token it will write is not known yet).

Random tokens rather than counters: a rolled-back change never leaves a token that a
later change could reuse. Rendered fragments of a kept result are kept with it through
``shared_fragment`` in the templates (app/web.py), keyed by the result object.

A change that bypasses the ORM (raw SQL, another program) is not seen: write through the
models, or call ``mark_changed``.
"""

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from sqlalchemy import String, event, inspect, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session

from app.models import User
from app.models.evaluation import DataRevision

NEVER = "never-changed"  # the token of a name before its first recorded change
CHANGED = "revisions_changed"  # session.info: the names this transaction changed
# Set in a session's info for a database at an older schema, before the token's table.
UNTRACKED = "revisions_untracked"

# session.info: every name's token, read with the login check just before the page's reads
# (``remember_tokens``), so that a kept page needs no statement of its own.
TOKENS = "revisions_tokens"
_PAIR = DataRevision.__table__.c.name + literal_column("'='") + DataRevision.__table__.c.token


class _packed(FunctionElement):
    """The rows' strings joined with commas. (``func.aggregate_strings`` renders its
    separator anew at every execution: a sixth of the login lookup's statement work.)"""

    type = String()
    inherit_cache = True


@compiles(_packed)
def _packed_default(element, compiler, **kw):
    return f"string_agg({compiler.process(element.clauses, **kw)}, ',')"


@compiles(_packed, "sqlite")
def _packed_sqlite(element, compiler, **kw):
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


ALL_TOKENS = (select(_packed(_PAIR)).select_from(DataRevision.__table__)).scalar_subquery()
"""Every name's token packed as ``name=token,...``: a column for a statement a request
reads anyway (the session lookup); unpack it with ``remember_tokens``."""

_tables: dict[str, frozenset[type]] = {}  # name -> the models it reads
_user_fields: dict[str, frozenset[str]] = {}  # name -> the User columns it reads
_keepers: list["Keeper"] = []


def track(name: str, models: Iterable[type], *, user_fields: Iterable[str] = ()) -> None:
    """Give a new token to ``name`` whenever a row of ``models`` (or one of the
    ``user_fields`` of an account, or an account added or deleted) changes."""
    _tables[name] = frozenset(models)
    if user_fields:
        _user_fields[name] = frozenset(user_fields)


def _names_of(obj: Any, *, changed_fields: bool) -> set[str]:
    kind = type(obj)
    names = {name for name, models in _tables.items() if kind in models}
    if isinstance(obj, User):
        for name, fields in _user_fields.items():
            state = inspect(obj)
            if not changed_fields or any(state.attrs[f].history.has_changes() for f in fields):
                names.add(name)
    return names


def _changed_names(session: OrmSession) -> set[str]:
    names: set[str] = set()
    for obj in chain(session.new, session.deleted):
        names |= _names_of(obj, changed_fields=False)
    for obj in session.dirty:
        if session.is_modified(obj):
            names |= _names_of(obj, changed_fields=True)
    return names


def mark_changed(session: OrmSession, *names: str) -> None:
    """Record a change to ``names`` that the ORM cannot see (e.g. raw SQL)."""
    session.info.setdefault(CHANGED, set()).update(names)


def _write_tokens(session: OrmSession, names: set[str]) -> None:
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    for name in sorted(names):  # one order for every transaction: no lock-order deadlock
        token = secrets.token_hex(16)
        statement = insert(DataRevision.__table__).values(name=name, token=token)
        connection.execute(
            statement.on_conflict_do_update(index_elements=["name"], set_={"token": token})
        )


# The tokens are written at commit, not at the change: on PostgreSQL writing one locks its
# row until the transaction ends, and every change to that data would queue behind the
# slowest such transaction.
@event.listens_for(OrmSession, "before_flush")
def _note_flushed_change(session, _flush_context, _instances) -> None:
    names = _changed_names(session)
    if names:
        mark_changed(session, *names)


@event.listens_for(OrmSession, "do_orm_execute")
def _note_bulk_change(state):
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    mapper = state.bind_mapper
    if mapper is None:
        return None
    names = {name for name, models in _tables.items() if mapper.class_ in models}
    if mapper.class_ is User:
        names |= set(_user_fields)
    if not names:
        return None
    # Run it here to see whether it changed a row: an UPDATE of the statuses time has
    # decided runs on every booking attempt and mostly changes nothing.
    result = state.invoke_statement()
    if state.is_insert or result.rowcount != 0:
        mark_changed(state.session, *names)
    return result


@event.listens_for(OrmSession, "before_commit")
def _write_on_commit(session) -> None:
    if session.info.get(UNTRACKED) or session.in_nested_transaction():
        return  # a savepoint's release: the outermost commit writes the tokens, once
    # Changes not flushed yet are flushed after this hook, inside the same commit.
    names = set(session.info.get(CHANGED, ())) | _changed_names(session)
    if names:
        _write_tokens(session, names)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_changes(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(CHANGED, None)
        session.info.pop(TOKENS, None)  # read in that transaction: not valid after it


def remember_tokens(session: OrmSession, packed: str | None) -> None:
    """Keep the tokens just read (as ``ALL_TOKENS``) for the Keepers of the session's first
    transaction, which must not have begun: its reads come after the tokens, so a result
    is never kept under a token newer than its data. They are forgotten when that
    transaction ends (a commit may have renewed them)."""
    if session.in_transaction():
        raise RuntimeError("tokens read after the session's transaction began may be newer")
    pairs = (pair.split("=", 1) for pair in packed.split(",")) if packed else ()
    session.info[TOKENS] = dict(pairs)


class Keeper:
    """Up to ``size`` results kept under the tokens of ``names`` and a caller's key."""

    def __init__(self, *names: str, size: int = 8) -> None:
        self.names, self.size = tuple(sorted(names)), size
        self._kept: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        # A Core statement run on the connection: every kept page reads it, and the ORM's
        # execution path cost as much as the read itself.
        table = DataRevision.__table__
        self._tokens = select(table.c.name, table.c.token).where(table.c.name.in_(self.names))
        _keepers.append(self)

    def tokens(self, session: Session) -> tuple | None:
        """The names' tokens (``NEVER`` for a name no change has been recorded for yet:
        a database migrated before the name was tracked); None where the session itself
        changed one."""
        changed = session.info.get(CHANGED, ())
        if any(name in changed for name in self.names):
            return None  # its own change: the token is written at commit
        found = session.info.get(TOKENS)
        if found is None:
            found = dict(session.connection().execute(self._tokens).all())
        return tuple(found.get(name, NEVER) for name in self.names)

    def get(self, session: Session, key: tuple, compute: Callable[[], Any]) -> Any:
        """The result kept under the current tokens and ``key``, or ``compute()`` (kept)."""
        tokens = self.tokens(session)
        if tokens is None:
            return compute()
        full_key = (tokens, *key)
        with self._lock:
            if full_key in self._kept:
                self._kept.move_to_end(full_key)
                return self._kept[full_key]
        result = compute()
        with self._lock:
            self._kept[full_key] = result
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


def forget_all() -> None:
    """Drop every kept result (the tests' database reset, which bypasses the ORM)."""
    for keeper in _keepers:
        keeper.clear()
