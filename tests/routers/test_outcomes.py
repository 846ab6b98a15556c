"""Outcome pages: administrators only; the form and the import flow over HTTP."""

from sqlmodel import select

from app.models.evaluation import GraduateOutcome, OutcomeImport
from tests.factories import make_admin, make_cohort, make_student, make_teacher


def test_outcomes_are_for_administrators_only(client, session):
    teacher = make_teacher(session)
    session.commit()
    client.login_as(teacher)
    assert client.get("/outcomes").status_code == 403


def test_an_administrator_records_and_imports_outcomes(client, session):
    admin = make_admin(session)
    cohort = make_cohort(session)
    student = make_student(session, cohort=cohort, full_name="张三")
    session.commit()
    client.login_as(admin)
    assert client.get("/outcomes").status_code == 200
    bad = client.post_form("/outcomes", {"student_number": "", "outcome": "x", "outcome_on": ""})
    assert bad.status_code == 422
    for name in ("student_number", "outcome", "outcome_on"):
        assert f'id="{name}-error"' in bad.text
    unknown = {"student_number": "nope", "outcome": "other", "outcome_on": "2026-06-30"}
    stranger = client.post_form("/outcomes", unknown)
    assert stranger.status_code == 422 and 'id="student_number-error"' in stranger.text
    number = f"S{student.id:08d}"
    ok = client.post_form(
        "/outcomes",
        {
            "student_number": number,
            "outcome": "self_employed",
            "organisation": "星火",
            "outcome_on": "2026-06-30",
        },
    )
    assert ok.status_code == 303
    record = session.exec(select(GraduateOutcome)).one()
    assert client.get(f"/outcomes/{record.id}/edit").status_code == 200
    content = f"学号,去向,日期\r\n{number},升学,2026-07-01\r\n".encode("utf-8-sig")
    upload = client.post(
        "/outcomes/import",
        data={"csrf_token": client.csrf},
        files={"file": ("o.csv", content, "text/csv")},
        follow_redirects=False,
    )
    assert upload.status_code == 303
    imported = session.exec(select(OutcomeImport)).one()
    assert client.get(f"/outcomes/imports/{imported.id}").status_code == 200
    assert client.post_form(f"/outcomes/imports/{imported.id}/commit").status_code == 303
    session.expire_all()
    assert session.exec(select(GraduateOutcome)).one().outcome == "further_study"
    empty = client.post(
        "/outcomes/import",
        data={"csrf_token": client.csrf},
        files={"file": ("o.csv", b"", "text/csv")},
        follow_redirects=False,
    )
    assert empty.status_code == 422 and 'id="file-error"' in empty.text
    assert client.post_form(f"/outcomes/{record.id}/delete").status_code == 303
    assert session.exec(select(GraduateOutcome)).all() == []
