"""The public certificate check and the award page."""

from datetime import date

from sqlalchemy import func, select

from app.config import settings
from app.models.certificates import VerifyAttempt
from app.services.certificates import awards as certificate_service
from tests.conftest import WebClient
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_contests import make_award
from tests.factories_curriculum import make_certificate


def test_anyone_verifies_a_code_without_logging_in(client, session):
    cert = make_certificate(session, name_zh="互联网营销师", work_type_zh="直播销售员")
    holder = make_student(session, full_name="张小明")
    award = make_award(session, holder=holder, certificate=cert, level=4)
    session.commit()
    page = client.get(f"/verify/{award.verification_code}")
    assert page.status_code == 200
    assert "互联网营销师" in page.text and "直播销售员" in page.text
    assert "张*明" in page.text and "张小明" not in page.text
    assert award.number in page.text
    assert client.get("/verify/NOSUCHCODE").status_code == 404


def test_a_revoked_or_expired_certificate_shows_so(client, session):
    cert = make_certificate(session)
    holder = make_student(session)
    revoked = make_award(
        session, holder=holder, certificate=cert, status="revoked", revoke_reason="违规"
    )
    expired = make_award(
        session,
        holder=holder,
        certificate=cert,
        level=4,
        issued_on=date(2020, 1, 1),
        expires_on=date(2021, 1, 1),
    )
    session.commit()
    assert "revoked" in client.get(f"/verify/{revoked.verification_code}").text.lower() or (
        "已撤销" in client.get(f"/verify/{revoked.verification_code}").text
    )
    text = client.get(f"/verify/{expired.verification_code}").text
    assert "expired" in text.lower() or "已过期" in text


def test_repeated_guessing_from_one_address_gets_429(client, session):
    cert = make_certificate(session)
    award = make_award(session, holder=make_student(session), certificate=cert)
    session.commit()
    for n in range(certificate_service.VERIFY_MAX_MISSES):
        assert client.get(f"/verify/GUESS{n:07d}").status_code == 404
    assert client.get("/verify/GUESSAGAIN").status_code == 429
    assert client.get(f"/verify/{award.verification_code}").status_code == 429  # slowed down
    count = session.execute(select(func.count()).select_from(VerifyAttempt)).scalar_one()
    assert count == certificate_service.VERIFY_MAX_MISSES


def test_award_page_has_a_qr_code_and_a_pdf_for_holder_and_staff_only(client, session):
    cert = make_certificate(session)
    holder, other = make_student(session), make_student(session)
    award = make_award(session, holder=holder, certificate=cert)
    teacher, admin = make_teacher(session), make_admin(session)
    session.commit()
    client.login_as(holder)
    page = client.get(f"/certificates/awards/{award.id}")
    assert page.status_code == 200 and "data:image/svg+xml" in page.text
    assert f"/verify/{award.verification_code}" in page.text
    pdf = client.get(f"/certificates/awards/{award.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.login_as(other)
    assert client.get(f"/certificates/awards/{award.id}").status_code == 404
    assert client.get(f"/certificates/awards/{award.id}/certificate.pdf").status_code == 404
    client.login_as(teacher)
    assert client.get(f"/certificates/awards/{award.id}").status_code == 200
    assert (
        client.post_form(f"/certificates/awards/{award.id}/revoke", {"reason": "x"}).status_code
        == 403
    )
    client.login_as(admin)
    empty = client.post_form(
        f"/certificates/awards/{award.id}/revoke", {"reason": ""}, headers={"HX-Request": "true"}
    )
    assert empty.status_code == 422
    assert (
        client.post_form(f"/certificates/awards/{award.id}/revoke", {"reason": "冒名"}).status_code
        == 303
    )
    session.expire_all()
    assert client.get(f"/verify/{award.verification_code}").status_code == 200


def _attempts_by_address(session) -> dict[str, int]:
    rows = session.execute(
        select(VerifyAttempt.ip_address, func.count()).group_by(VerifyAttempt.ip_address)
    ).all()
    session.commit()
    return dict(rows)


def test_a_spoofed_forwarded_address_from_an_untrusted_peer_does_not_dodge_the_limit(
    app, session, monkeypatch
):
    monkeypatch.setattr(settings, "forwarded_allow_ips", "127.0.0.1")
    with WebClient(app, client=("203.0.113.9", 50000), raise_server_exceptions=False) as c:
        for n in range(certificate_service.VERIFY_MAX_MISSES):
            spoof = {"X-Forwarded-For": f"10.0.{n}.1", "Forwarded": f"for=10.1.{n}.1"}
            assert c.get(f"/verify/GUESS{n:07d}", headers=spoof).status_code == 404
        spoof = {"X-Forwarded-For": "10.9.9.9"}
        assert c.get("/verify/GUESSAGAIN", headers=spoof).status_code == 429
    assert _attempts_by_address(session) == {"203.0.113.9": certificate_service.VERIFY_MAX_MISSES}


def test_a_trusted_proxy_has_each_visitor_counted_by_their_own_address(app, session, monkeypatch):
    monkeypatch.setattr(settings, "forwarded_allow_ips", "127.0.0.1, 10.20.0.0/16")
    guesser, neighbour = "198.51.100.7", "198.51.100.8"
    with WebClient(app, client=("10.20.3.4", 50001), raise_server_exceptions=False) as proxy:
        for n in range(certificate_service.VERIFY_MAX_MISSES):
            headers = {"X-Forwarded-For": guesser}
            assert proxy.get(f"/verify/GUESS{n:07d}", headers=headers).status_code == 404
        again = proxy.get("/verify/GUESSAGAIN", headers={"X-Forwarded-For": guesser})
        assert again.status_code == 429
        # The guesser prepends an address of their choice; the proxy appends the real one.
        spoofed = {"X-Forwarded-For": f"{neighbour}, {guesser}"}
        assert proxy.get("/verify/GUESSMORE", headers=spoofed).status_code == 429
        # Another visitor behind the same proxy is not slowed down by the guesser.
        honest = {"X-Forwarded-For": neighbour}
        assert proxy.get("/verify/NEIGHBOUR1", headers=honest).status_code == 404
    assert _attempts_by_address(session) == {
        guesser: certificate_service.VERIFY_MAX_MISSES,
        neighbour: 1,
    }


def test_the_public_check_also_finds_a_certificate_by_its_number(client, session):
    holder = make_student(session, full_name="张小明")
    award = make_award(session, holder=holder, certificate=make_certificate(session))
    session.commit()
    # typed from the paper, in lower case with spaces around: the form goes to its page
    typed = client.get(f"/verify?code=  {award.number.lower()} ", follow_redirects=False)
    assert typed.headers["location"] == f"/verify/{award.number.upper()}"
    page = client.get(typed.headers["location"])
    assert page.status_code == 200 and "张*明" in page.text
    assert client.get("/verify/CJ000000000000").status_code == 404


def test_an_administrator_issues_one_certificate_from_the_form(client, session):
    from app.models.certificates import CertificateAward, TrainingRecord

    cert = make_certificate(session, work_type_zh="直播销售员", hours={5: 80})
    student, admin = make_student(session, full_name="李小红"), make_admin(session, locale="en")
    session.add(TrainingRecord(student_id=student.id, certificate_type_id=cert.id, hours=90))
    session.commit()
    client.login_as(admin)
    form = client.get("/certificates/awards/new")
    assert form.status_code == 200 and "李小红" in form.text
    values = {"student_id": str(student.id), "certificate_type_id": str(cert.id), "level": "5"}
    values["issued_on"] = date.today().isoformat()
    response = client.post_form("/certificates/awards", values)
    assert response.status_code == 303, response.text[:500]
    award = session.exec(select(CertificateAward)).scalars().one()
    assert (award.holder_id, award.level, award.source) == (student.id, 5, "manual")
    page = client.get(response.headers["location"])
    assert award.number in page.text
    # not eligible for level 4 (level 5 was just issued, but 4 needs its own hours)
    again = client.post_form("/certificates/awards", {**values, "level": "4"})
    assert again.status_code == 422
