"""Kept results (app/services/revisions.py): a result is reused until a committed change
to a table its name tracks, and only such a change renews it."""

import pytest
from sqlalchemy import update
from sqlmodel import select

from app.models import Cohort
from app.models.studios import Studio
from app.services import revisions
from tests.conftest import count_statements
from tests.factories import make_cohort
from tests.factories_studios import make_studio

pytestmark = pytest.mark.commits

revisions.track("test-studios", {Studio})
KEEPER = revisions.Keeper("test-studios", size=2)


def _computed(session, calls: list) -> str:
    def compute():
        calls.append(1)
        return ",".join(sorted(s.name for s in session.exec(select(Studio)).all()))

    return KEEPER.get(session, ("names",), compute)


def test_a_result_is_kept_until_a_tracked_table_changes(session):
    KEEPER.clear()
    studio = make_studio(session, name="直播间 甲")
    make_cohort(session)
    session.commit()
    calls: list = []
    assert _computed(session, calls) == "直播间 甲"
    assert _computed(session, calls) == "直播间 甲" and len(calls) == 1  # kept
    session.add(Cohort(major="不相干", intake_year=2026, class_number=9))
    session.commit()
    assert _computed(session, calls) == "直播间 甲" and len(calls) == 1  # not its table
    session.exec(update(Studio).where(Studio.id == -1).values(name="无"))
    session.commit()
    assert _computed(session, calls) == "直播间 甲" and len(calls) == 1  # changed no row
    session.exec(update(Studio).where(Studio.id == studio.id).values(location="新楼"))
    session.commit()
    assert _computed(session, calls) == "直播间 甲" and len(calls) == 2  # a bulk change
    studio = session.get(Studio, studio.id)
    studio.name = "直播间 乙"
    session.add(studio)
    session.commit()
    assert _computed(session, calls) == "直播间 乙" and len(calls) == 3


def test_an_uncommitted_change_is_computed_afresh_and_not_kept(session):
    KEEPER.clear()
    make_studio(session, name="直播间 丙")
    session.commit()
    calls: list = []
    assert _computed(session, calls) == "直播间 丙"
    make_studio(session, name="直播间 丁")
    assert _computed(session, calls) == "直播间 丁,直播间 丙"  # its own change, flushed
    session.rollback()
    assert _computed(session, calls) == "直播间 丙" and len(calls) == 2  # kept from before


def _packed_tokens(session) -> str:
    return session.exec(select(revisions.ALL_TOKENS)).one()


def test_tokens_read_with_the_login_check_hold_only_for_the_first_transaction(session):
    KEEPER.clear()
    studio = make_studio(session, name="直播间 丙")
    session.commit()
    packed = _packed_tokens(session)
    session.commit()
    calls: list = []
    revisions.remember_tokens(session, packed)
    with count_statements() as statements:
        assert _computed(session, calls) == "直播间 丙" and len(calls) == 1
    assert not any("data_revision" in s for s in statements)  # the remembered tokens served
    studio.name = "直播间 丁"
    session.add(studio)
    session.commit()  # a new token; the remembered ones belonged to the ended transaction
    assert _computed(session, calls) == "直播间 丁" and len(calls) == 2


def test_tokens_cannot_be_remembered_once_the_transaction_has_read(session):
    session.commit()
    session.exec(select(Studio)).all()
    with pytest.raises(RuntimeError):
        revisions.remember_tokens(session, "")


def test_a_change_in_a_savepoint_writes_its_tokens_once_at_the_commit(session):
    studio = make_studio(session, name="直播间 戊")
    session.commit()

    def token_writes(rename, *, savepoint: bool) -> int:
        with count_statements() as statements:
            if savepoint:
                with session.begin_nested():
                    rename()
            else:
                rename()
            session.commit()
        return sum("data_revision" in s for s in statements)

    def rename(name):
        def change():
            studio.name = name
            session.add(studio)
            session.flush()

        return change

    plain = token_writes(rename("直播间 己"), savepoint=False)
    assert plain >= 1
    assert token_writes(rename("直播间 庚"), savepoint=True) == plain
