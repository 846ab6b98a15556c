"""The script page: who may see, write and sign off a script, and the ready gate."""

from sqlmodel import select

from app.models import User
from app.models.compliance import ScriptSignOff
from app.models.teams import LiveSession, LiveSessionProduct
from app.services import compliance as compliance_service
from tests.factories import make_student, make_teacher
from tests.factories_compliance import make_scripted_session, seed_rules
from tests.factories_teams import ensure_posts, make_pairing

SCRIPT = "家人们晚上好，第一次来的点关注。\n这款牛肉干是全网最低价！"


def _world(session):
    ensure_posts(session)
    seed_rules(session)
    student, outsider, teacher = make_student(session), make_student(session), make_teacher(session)
    live = make_scripted_session(session, script=SCRIPT, members=[(student, "anchor")])
    pairing = make_pairing(session, _team(session, live))
    other_team_live = make_scripted_session(
        session, script="顶级好茶。", members=[(outsider, "anchor")]
    )
    session.commit()
    mentor = session.get(User, pairing.mentor_id)
    return student, outsider, teacher, mentor, live, other_team_live


def _team(session, live):
    from app.models.teams import Team

    return session.get(Team, live.team_id)


def _url(live, tail="script"):
    return f"/teams/{live.team_id}/sessions/{live.id}/{tail}"


def _product(session, live):
    return session.exec(
        select(LiveSessionProduct).where(LiveSessionProduct.session_id == live.id)
    ).one()


def test_the_script_page_highlights_hits_with_category_source_and_rewrite(client, session):
    student, *_rest, live, _other = _world(session)
    client.login(student.username)
    page = client.get(_url(live))
    assert page.status_code == 200
    assert '<mark class="hit-price"' in page.text
    assert "《明码标价和禁止价格欺诈规定》" in page.text and "虚假价格" in page.text
    assert "第一次</mark>" not in page.text
    assert "共 1 处风险：1 处未处理，0 处已由老师签认。" in page.text
    assert (
        client.get(f"/teams/{live.team_id}/sessions/{live.id}").text.count('id="script-summary"')
        == 1
    )


def test_a_member_saves_the_script_and_claims_and_sees_the_new_hits(client, session):
    student, *_rest, live, _other = _world(session)
    product = _product(session, live)
    client.login(student.username)
    response = client.post_form(
        _url(live),
        {
            "script": "今天到手价59.9元。",
            "product_id": [str(product.id)],
            "claim": ["顶级牛肉，能降血压"],
        },
    )
    assert response.status_code == 303
    session.expire_all()
    assert session.get(LiveSession, live.id).script == "今天到手价59.9元。"
    page = client.get(_url(live))
    assert '<mark class="hit-absolute"' in page.text and '<mark class="hit-health"' in page.text


def test_bad_script_input_is_refused_beside_the_field_and_writes_nothing(client, session):
    student, *_rest, live, other = _world(session)
    client.login(student.username)
    too_long = {"script": "好" * 20001}
    assert client.post_form(_url(live), too_long).status_code == 422
    foreign = {"script": "好", "product_id": [str(_product(session, other).id)], "claim": ["x"]}
    response = client.post_form(_url(live), foreign)
    assert response.status_code == 422 and 'id="claims-error"' in response.text
    session.expire_all()
    assert session.get(LiveSession, live.id).script == SCRIPT


def test_other_students_and_unpaired_mentors_are_refused_and_paired_mentors_only_read(
    client, other_client, session
):
    _student, outsider, _teacher, mentor, live, _other = _world(session)
    from tests.factories import make_mentor

    stranger = make_mentor(session)
    session.commit()
    client.login(outsider.username)
    assert client.get(_url(live)).status_code == 404
    assert client.post_form(_url(live), {"script": "x"}).status_code == 404
    assert client.post_form(_url(live, "ready")).status_code == 404
    other_client.login(stranger.username)
    assert other_client.get(_url(live)).status_code == 404
    other_client.login(mentor.username)
    page = other_client.get(_url(live))
    assert page.status_code == 200 and 'id="script-form"' not in page.text
    assert other_client.post_form(_url(live), {"script": "x"}).status_code == 403
    session.expire_all()
    assert session.get(LiveSession, live.id).script == SCRIPT


def test_a_session_with_an_unresolved_hit_cannot_be_marked_ready_until_signed_off(
    client, other_client, session
):
    student, _outsider, teacher, _mentor, live, _other = _world(session)
    client.login(student.username)
    refused = client.post_form(_url(live, "ready"))
    assert refused.status_code == 409
    assert "还有 1 处未处理的风险" in refused.text
    [view] = compliance_service.review_live(session, live).hits
    assert (
        client.post_form(
            _url(live, "script/sign-off"), {"hit_key": view.hit.key, "note": "x"}
        ).status_code
        == 403
    )
    other_client.login(teacher.username)
    no_note = other_client.post_form(_url(live, "script/sign-off"), {"hit_key": view.hit.key})
    assert no_note.status_code == 422
    signed = other_client.post_form(
        _url(live, "script/sign-off"), {"hit_key": view.hit.key, "note": "有前七日成交记录"}
    )
    assert signed.status_code == 303
    assert "有前七日成交记录" in other_client.get(_url(live)).text
    assert client.post_form(_url(live, "ready")).status_code == 303
    session.expire_all()
    assert session.get(LiveSession, live.id).ready_by_id == student.id
    assert (
        f"{student.full_name} 于 " in client.get(f"/teams/{live.team_id}/sessions/{live.id}").text
    )
    assert client.post_form(_url(live, "unready")).status_code == 303
    session.expire_all()
    assert session.get(LiveSession, live.id).ready_at is None


def test_fixing_the_sentence_opens_the_gate_and_a_new_claim_after_ready_closes_it(client, session):
    student, *_rest, live, _other = _world(session)
    client.login(student.username)
    assert client.post_form(_url(live), {"script": "今天到手价59.9元。"}).status_code == 303
    assert client.post_form(_url(live, "ready")).status_code == 303
    assert client.post_form(_url(live), {"script": "今天史上最低！"}).status_code == 303
    session.expire_all()
    assert session.get(LiveSession, live.id).ready_at is None


def test_state_changes_need_the_csrf_token(client, session):
    student, _outsider, teacher, _mentor, live, _other = _world(session)
    client.login(teacher.username)
    [view] = compliance_service.review_live(session, live).hits
    for tail, data in (
        ("script", {"script": "x"}),
        ("script/sign-off", {"hit_key": view.hit.key, "note": "ok"}),
        ("ready", {}),
        ("unready", {}),
    ):
        response = client.post(_url(live, tail), data=data, follow_redirects=False)
        assert response.status_code == 403, tail
    assert session.exec(select(ScriptSignOff)).all() == []
    session.expire_all()
    assert session.get(LiveSession, live.id).script == SCRIPT
