"""Awards won outside the college: recorded with evidence, and taken back when wrong."""

from sqlmodel import select

from app.models.contests import ExternalResult
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_teams import ensure_posts, make_team

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _record(client, team, *, file=PDF, name="省直播电商技能大赛"):
    data = {
        "team_id": str(team.id),
        "competition_name": name,
        "level": "provincial",
        "award": "second",
        "awarded_on": "2025-06-01",
        "csrf_token": client.csrf,
    }
    files = {"evidence": ("获奖证书.pdf", file, "application/pdf")}
    return client.post("/contests/external", data=data, files=files, follow_redirects=False)


def test_a_teacher_records_an_award_with_evidence_and_deletes_a_wrong_one(
    client, other_client, session
):
    ensure_posts(session)
    recorder, colleague = make_teacher(session), make_teacher(session)
    team = make_team(session, members=[(make_student(session), "anchor")])
    session.commit()
    client.login(recorder.username)
    bad = _record(client, team, file=b"not a pdf")
    assert bad.status_code == 422 and 'id="evidence-error"' in bad.text
    assert _record(client, team).status_code == 303
    result = session.exec(select(ExternalResult)).one()
    assert (result.team_id, result.award, result.evidence_type) == (
        team.id,
        "second",
        "application/pdf",
    )
    result_id = result.id
    page = client.get("/contests/external").text
    assert f'action="/contests/external/{result_id}/delete"' in page
    evidence = client.get(f"/contests/external/{result.id}/evidence")
    assert evidence.status_code == 200 and evidence.content == PDF

    other_client.login(colleague.username)  # another teacher sees it but cannot take it back
    assert f'action="/contests/external/{result.id}/delete"' not in (
        other_client.get("/contests/external").text
    )
    assert other_client.post_form(f"/contests/external/{result.id}/delete").status_code == 403
    assert session.exec(select(ExternalResult)).all() != []

    assert client.post_form(f"/contests/external/{result_id}/delete").status_code == 303
    session.expire_all()
    assert session.exec(select(ExternalResult)).all() == []
    assert client.post_form(f"/contests/external/{result_id}/delete").status_code == 404


def test_an_administrator_may_delete_any_result(client, session):
    ensure_posts(session)
    teacher, admin = make_teacher(session), make_admin(session)
    team = make_team(session)
    session.commit()
    client.login(teacher.username)
    assert _record(client, team).status_code == 303
    result_id = session.exec(select(ExternalResult.id)).one()
    client.login(admin.username)
    assert client.post_form(f"/contests/external/{result_id}/delete").status_code == 303
    session.expire_all()
    assert session.get(ExternalResult, result_id) is None
