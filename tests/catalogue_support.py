"""What the catalogue's route tests share (their fixtures, `catalogue` and
`admin_client`, are in conftest.py): look-ups of rows by code, a referencing table."""

from contextlib import contextmanager

from sqlalchemy import func, select, text

from app.models import Post, Skill

HTMX = {"HX-Request": "true"}


def skill_by_code(session, code: str) -> Skill:
    return session.exec(select(Skill).where(Skill.code == code)).scalar_one()


def post_by_code(session, code: str) -> Post:
    return session.exec(select(Post).where(Post.code == code)).scalar_one()


def skill_count(session) -> int:
    return session.exec(select(func.count()).select_from(Skill)).one()


@contextmanager
def skill_reference_table(session):
    """A table of the kind later features add: a foreign key to skill.id (no ON DELETE)."""
    session.execute(
        text(
            "CREATE TABLE test_skill_ref (id INTEGER PRIMARY KEY, "
            "skill_id INTEGER NOT NULL REFERENCES skill(id))"
        )
    )
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        session.execute(text("DROP TABLE test_skill_ref"))
        session.commit()
