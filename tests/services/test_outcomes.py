"""Graduate outcomes: one at a time, or a file previewed row by row and written whole."""

import io

import pytest
from openpyxl import Workbook
from sqlmodel import select

from app.errors import FormErrors
from app.models.evaluation import GraduateOutcome
from app.schemas.evaluation import OutcomeForm
from app.services.evaluation import outcomes
from tests.factories import make_admin, make_cohort, make_student


@pytest.fixture
def people(session):
    cohort = make_cohort(session)
    admin = make_admin(session)
    a = make_student(session, cohort=cohort, full_name="张三")
    b = make_student(session, cohort=cohort, full_name="李四")
    session.commit()
    return {"admin": admin, "a": a, "b": b}


def _number(student):
    return f"S{student.id:08d}"


def _csv(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _outcome(number, outcome, organisation="", on="2026-06-30"):
    values = {"student_number": number, "outcome": outcome, "organisation": organisation}
    return OutcomeForm.parse({**values, "outcome_on": on})


def test_saving_an_outcome_replaces_the_previous_one(session, people):
    number = _number(people["a"])
    first = outcomes.save_outcome(
        session, actor=people["admin"], form=_outcome(number, "self_employed", "星火工作室")
    )
    second = outcomes.save_outcome(
        session, actor=people["admin"], form=_outcome(number, "employed_trade", "星火工作室")
    )
    assert first.id == second.id and second.outcome == "employed_trade"


def test_a_bad_outcome_gets_messages_beside_its_fields(session, people):
    with pytest.raises(FormErrors) as caught:
        _outcome("", "astronaut", on="2999-01-01")
    assert set(caught.value.errors) == {"student_number", "outcome", "outcome_on"}
    with pytest.raises(FormErrors) as caught:
        outcomes.save_outcome(session, actor=people["admin"], form=_outcome("NOPE", "other"))
    assert set(caught.value.errors) == {"student_number"}
    assert session.exec(select(GraduateOutcome)).all() == []


def test_an_import_with_a_bad_row_writes_nothing(session, people):
    content = _csv(
        "学号,姓名,去向,单位,日期",
        f"{_number(people['a'])},张三,自主创业,星火工作室,2026-06-30",
        f"{_number(people['b'])},王五,升学,,2026/07/01",  # wrong name
        "S99999999,无名,其他,,2026-07-01",  # unknown student
        f"{_number(people['a'])},张三,升学,,2026-13-01",  # twice, and a bad date
    )
    record = outcomes.create_import(
        session, actor_id=people["admin"].id, filename="o.csv", content=content
    )
    session.commit()
    preview = outcomes.preview_import(session, import_id=record.id)
    problems = {row.line: set(row.errors) for row in preview.error_rows}
    assert problems == {
        3: {"full_name"},
        4: {"student_number"},
        5: {"student_number", "outcome_on"},
    }
    with pytest.raises(outcomes.OutcomesRejected):
        outcomes.commit_import(session, import_id=record.id, actor_id=people["admin"].id)
    session.rollback()
    assert session.exec(select(GraduateOutcome)).all() == []


def test_a_clean_xlsx_import_writes_every_row(session, people):
    book = Workbook()
    sheet = book.active
    sheet.append(["毕业去向名单"])  # a title line above the header is allowed
    sheet.append(["学号", "去向", "单位", "日期"])
    sheet.append([_number(people["a"]), "自主创业", "@星火工作室", "2026-06-30"])
    sheet.append([_number(people["b"]), "行业内就业", "瓯江传媒", "2026-07-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    record = outcomes.create_import(
        session, actor_id=people["admin"].id, filename="o.xlsx", content=buffer.getvalue()
    )
    assert outcomes.preview_import(session, import_id=record.id).error_rows == []
    assert outcomes.commit_import(session, import_id=record.id, actor_id=people["admin"].id) == 2
    session.commit()
    saved = {o.student_id: o for o in session.exec(select(GraduateOutcome)).all()}
    assert saved[people["a"].id].outcome == "self_employed"
    assert saved[people["a"].id].organisation == "@星火工作室"  # as typed; exports neutralise
    assert saved[people["b"].id].outcome == "employed_trade"
    with pytest.raises(outcomes.Conflict):
        outcomes.commit_import(session, import_id=record.id, actor_id=people["admin"].id)


def test_unreadable_files_are_refused_on_the_file_field(session, people):
    for content in (b"", b"just,some,text\r\n1,2,3\r\n", b"\xd0\xcf\x11\xe0old"):
        with pytest.raises(FormErrors) as caught:
            outcomes.create_import(
                session, actor_id=people["admin"].id, filename="x", content=content
            )
        assert set(caught.value.errors) == {"file"}
