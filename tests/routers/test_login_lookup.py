"""The login lookup that every request makes is one statement outside any transaction
(no BEGIN and ROLLBACK around it: a single statement reads one consistent snapshot), and
its statement is ready once compiled (nothing rendered again at each execution)."""

from sqlalchemy import event

from app import db
from app.services.accounts import auth
from tests.factories import make_admin


def _all_statements_during(client, url):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.strip())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return seen


def test_the_login_lookup_runs_outside_a_transaction(client, session):
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    client.get("/people")  # kept results filled: later visits read only the lookup
    if db.engine.dialect.name == "sqlite":
        seen = _all_statements_during(client, "/people")
        lookups = [i for i, s in enumerate(seen) if "user_session.token_hash" in s]
        assert lookups, seen
        before = seen[: lookups[0]]
        assert not any(s.upper().startswith("BEGIN") for s in before), seen
    else:
        with db.single_read_engine.connect() as connection:
            assert connection.connection.driver_connection.autocommit
        with db.engine.connect() as connection:  # the pool's other users keep transactions
            assert not connection.connection.driver_connection.autocommit


def test_the_lookup_renders_nothing_again_at_each_execution():
    lookup = auth._SESSION_LOOKUP_WITH_TOKENS.compile(dialect=db.engine.dialect)
    assert not lookup.literal_execute_params
    assert not lookup.post_compile_params
