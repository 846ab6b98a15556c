"""Every form of contests, judging and certificates refuses ids past 2^31-1, numbers such
as 1e308 and dates such as 9999-12-31 or 0000-00-00 with a message beside the field
(422), and writes nothing; PostgreSQL never sees the out-of-range values."""

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from app.schemas.judging import CriterionForm
from app.services.certificates import exams as exam_service
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_contests import (
    make_assignment,
    make_award,
    make_criterion,
    make_edition,
    make_entry,
    make_exam,
    make_round,
    make_track,
)
from tests.factories_curriculum import make_certificate, make_competition
from tests.factories_teams import make_team

HUGE_ID = "2147483648"
HUGER_ID = "9223372036854775808"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(session):
    admin, judge, examiner = make_admin(session), make_teacher(session), make_teacher(session)
    competition = make_competition(session)
    edition = make_edition(session, competition=competition)
    round_ = make_round(session, edition=edition)
    track = make_track(session, edition=edition)
    team = make_team(session, members=[(make_student(session), "anchor")])
    entry = make_entry(session, round_=round_, team=team, track=track)
    criterion = make_criterion(session, round_=round_, max_score=30)
    assignment = make_assignment(session, entry=entry, judge=judge)
    cert = make_certificate(session, hours={5: 0})
    candidate_student = make_student(session)
    award = make_award(session, holder=make_student(session), certificate=cert)
    exam = make_exam(session, actor=admin, certificate=cert)
    exam_criterion = exam_service.add_criterion(
        session, exam_id=exam.id, form=CriterionForm.parse({"name_zh": "节奏", "max_score": "60"})
    )
    exam_service.add_examiner(session, exam_id=exam.id, user_id=examiner.id)
    candidate = exam_service.add_candidate(
        session, exam_id=exam.id, student_id=candidate_student.id
    )
    session.commit()
    return {
        "admin": admin,
        "judge": judge,
        "examiner": examiner,
        "competition": competition.id,
        "edition": edition.id,
        "round": round_.id,
        "track": track.id,
        "entry": entry.id,
        "criterion": criterion.id,
        "assignment": assignment.id,
        "award": award.id,
        "exam": exam.id,
        "exam_criterion": exam_criterion.id,
        "candidate": candidate.id,
    }


# (who posts, url, form, fields that must carry a message); ids are filled from the world
CASES = {
    "edition": (
        "admin",
        "/contests",
        {
            "competition_id": HUGE_ID,
            "year": HUGER_ID,
            "opens_on": "9999-12-31",
            "closes_on": "0000-00-00",
        },
        ["competition_id", "year", "opens_on", "closes_on"],
    ),
    "round": (
        "admin",
        "/contests/editions/{edition}/rounds",
        {"level": "provincial", "held_on": "9999-12-31", "advance_cap": "1e308"},
        ["held_on", "advance_cap"],
    ),
    "track": (
        "admin",
        "/contests/editions/{edition}/tracks",
        {"name_zh": "创业组", "min_members": HUGE_ID, "max_business_age_years": "1e308"},
        ["min_members", "max_business_age_years"],
    ),
    "registration": (
        "admin",
        "/contests/editions/{edition}/register",
        {
            "team_id": HUGE_ID,
            "track_id": HUGER_ID,
            "title": "乡村好物",
            "business_registered_on": "0000-00-00",
            "member_ids": [HUGE_ID],
        },
        ["team_id", "track_id", "business_registered_on", "member_ids"],
    ),
    "entry": (
        "admin",
        "/contests/entries/{entry}",
        {"track_id": HUGE_ID, "title": "乡村好物", "business_registered_on": "9999-12-31"},
        ["track_id", "business_registered_on"],
    ),
    "criterion": (
        "admin",
        "/contests/rounds/{round}/criteria",
        {"name_zh": "节奏", "weight": "1e308", "max_score": HUGE_ID},
        ["weight", "max_score"],
    ),
    "options": (
        "admin",
        "/contests/rounds/{round}/options",
        {
            "tiebreak": HUGE_ID,
            "spread_percent": "1e308",
            "advance_cap": HUGER_ID,
            "held_on": "0000-00-00",
        },
        ["tiebreak", "spread_percent", "advance_cap", "held_on"],
    ),
    "assignment": (
        "admin",
        "/contests/rounds/{round}/assignments",
        {"entry_id": HUGE_ID, "judge_id": "1" + "0" * 23},
        ["entry_id", "judge_id"],
    ),
    "quotas": (
        "admin",
        "/contests/rounds/{round}/quotas",
        {"q_first": "1e308", "q_second": "20", "q_third": "30"},
        ["q_first"],
    ),
    "award": (
        "admin",
        "/contests/rounds/{round}/entries/{entry}/award",
        {"award": "platinum"},
        ["award-{entry}"],
    ),
    "score sheet": (
        "judge",
        "/judging/{assignment}/scores",
        {"c{criterion}": "1e308", "c2147483648": "5", "note": "好"},
        ["c{criterion}"],
    ),
    "certificate": (
        "admin",
        "/certificates/awards",
        {
            "student_id": HUGE_ID,
            "certificate_type_id": HUGER_ID,
            "level": "1e308",
            "issued_on": "9999-12-31",
            "expires_on": "0000-00-00",
        },
        ["student_id", "certificate_type_id", "level", "issued_on", "expires_on"],
    ),
    "revoke": ("admin", "/certificates/awards/{award}/revoke", {"reason": " "}, ["reason"]),
    "exam": (
        "admin",
        "/exams",
        {
            "certificate_type_id": HUGE_ID,
            "level": "5",
            "title": "实操",
            "held_on": "9999-12-31",
            "pass_mark": "1e308",
        },
        ["certificate_type_id", "held_on", "pass_mark"],
    ),
    "exam criterion": (
        "admin",
        "/exams/{exam}/criteria",
        {"name_zh": "合规", "weight": "1e308", "max_score": "10"},
        ["weight"],
    ),
    "examiner": ("admin", "/exams/{exam}/examiners", {"examiner_id": HUGE_ID}, ["examiner_id"]),
    "candidate": ("admin", "/exams/{exam}/candidates", {"student_id": HUGER_ID}, ["student_id"]),
    "exam scores": (
        "examiner",
        "/exams/{exam}/candidates/{candidate}",
        {"c{exam_criterion}": "1e308"},
        ["c{exam_criterion}"],
    ),
    "entry semester": (
        "admin",
        "/competitions/{competition}/entry-semester",
        {"entry_semester": HUGE_ID},
        ["entry_semester"],
    ),
}


def _rows(session) -> int:
    return sum(
        session.execute(select(func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
        if t.name not in ("user_session",)
    )


def _fill(value, world):
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    return value.format(**world)


@pytest.mark.parametrize("case", list(CASES))
def test_out_of_range_values_get_a_message_beside_the_field(client, world, session, case):
    who, url, data, fields = CASES[case]
    client.login_as(world[who])
    form = {_fill(k, world): _fill(v, world) for k, v in data.items()}
    before = _rows(session)
    response = client.post_form(_fill(url, world), form, headers={"HX-Request": "true"})
    assert response.status_code == 422, response.text[:500]
    for field in fields:
        assert f'id="{_fill(field, world)}-error"' in response.text, field
    session.expire_all()
    assert _rows(session) == before


def _upload(client, url, data, files):
    return client.post(
        url,
        data={**data, "csrf_token": client.csrf},
        files=files,
        headers={"HX-Request": "true"},
        follow_redirects=False,
    )


def test_the_forms_with_a_file_refuse_out_of_range_values_too(client, world, session):
    client.login_as(world["admin"])
    before = _rows(session)
    external = _upload(
        client,
        "/contests/external",
        {
            "team_id": HUGE_ID,
            "competition_name": "省直播电商技能大赛",
            "level": "provincial",
            "award": "second",
            "awarded_on": "9999-12-31",
        },
        {"evidence": ("证书.pdf", PDF, "application/pdf")},
    )
    assert external.status_code == 422
    assert 'id="team_id-error"' in external.text and 'id="awarded_on-error"' in external.text
    bulk = _upload(
        client,
        "/certificates/import",
        {"certificate_type_id": HUGE_ID, "level": "5", "issued_on": "0000-00-00"},
        {"file": ("r.csv", "学号,姓名,结果\n2024010101,张三,通过\n".encode(), "text/csv")},
    )
    assert bulk.status_code == 422
    assert 'id="certificate_type_id-error"' in bulk.text and 'id="issued_on-error"' in bulk.text
    session.expire_all()
    assert _rows(session) == before


def test_a_huge_team_in_the_registration_link_shows_the_form(client, world):
    client.login_as(world["admin"])
    url = f"/contests/editions/{world['edition']}/register?team_id={HUGER_ID}&member_ids=x"
    assert client.get(url).status_code == 200


def test_a_teacher_who_does_not_advise_an_entry_gets_403_whatever_they_send(client, world, session):
    outsider = make_teacher(session)
    session.commit()
    client.login_as(outsider)
    before = _rows(session)
    for data in (
        {"track_id": HUGE_ID, "title": ""},
        {"track_id": str(world["track"]), "title": "x"},
    ):
        response = client.post_form(f"/contests/entries/{world['entry']}", data)
        assert response.status_code == 403
    session.expire_all()
    assert _rows(session) == before
