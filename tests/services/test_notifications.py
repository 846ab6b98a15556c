"""Notifications: written inside the caller's transaction, read in the reader's language,
e-mailed by preference and posted to robots later by ``deliver_due`` with retries."""

import base64
import hashlib
import hmac
from datetime import timedelta
from urllib.parse import quote_plus

import pytest
from sqlmodel import select

from app.config import settings
from app.errors import NotFound
from app.i18n import activate
from app.models.notifications import Delivery, Notification, WebhookEndpoint
from app.schemas.notifications import WebhookForm
from app.services import notifications as notification_service
from app.services.notifications.delivery import signed_url
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday
from tests.notification_servers import free_port, smtp_server, webhook_receiver

MONDAY = next_weekday(0)
NOW = local(MONDAY, "07:00")
TEN = local(MONDAY, "10:00")


@pytest.fixture
def smtp(monkeypatch):
    with smtp_server() as (mailbox, port):
        monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
        monkeypatch.setattr(settings, "smtp_port", port)
        monkeypatch.setattr(settings, "smtp_starttls", False)
        monkeypatch.setattr(settings, "public_base_url", "https://chanjiao.example.edu.cn")
        yield mailbox


def _approved(session, **student):
    from app.services.bookings import lifecycle

    approver = make_teacher(session)
    studio = make_studio(session, requires_approval=True, approver_id=approver.id)
    booker = make_student(session, **student)
    booking = make_booking(session, studio=studio, user=booker, starts_at=TEN, status="pending")
    lifecycle.approve_booking(session, booking_id=booking.id, actor=approver, now=NOW)
    return booker, booking, studio


def _mine(session, user):
    return session.exec(select(Notification).where(Notification.recipient_id == user.id)).all()


def test_a_notification_reads_in_the_readers_language(session):
    booker, booking, studio = _approved(session)
    page = notification_service.notification_page(
        session, user=booker, locale="zh_CN", page=1, per_page=25
    )
    (item,) = page.items
    assert item.unread and item.link == f"/bookings/{booking.id}"
    assert studio.name in item.text and "已批准" in item.text
    assert TEN.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M") in item.text
    english = notification_service.notification_page(
        session, user=booker, locale="en", page=1, per_page=25
    )
    assert english.items[0].text.startswith("Your booking of")


def test_unread_counts_and_marking_read_only_ones_own(session):
    booker, _, _ = _approved(session)
    stranger = make_student(session)
    (row,) = _mine(session, booker)
    assert notification_service.unread_count(session, user_id=booker.id) == 1
    with pytest.raises(NotFound):
        notification_service.mark_read(session, user=stranger, notification_id=row.id, locale="en")
    assert row.read_at is None
    notification_service.mark_read(session, user=booker, notification_id=row.id, locale="en")
    assert notification_service.unread_count(session, user_id=booker.id) == 0
    notification_service.notify(session, recipient_id=booker.id, kind="exam_result", params={})
    notification_service.notify(session, recipient_id=stranger.id, kind="exam_result", params={})
    assert notification_service.mark_all_read(session, user=booker) == 1
    assert notification_service.unread_count(session, user_id=stranger.id) == 1


def test_an_email_goes_to_a_recipient_who_wants_it_and_not_to_one_who_turned_it_off(session, smtp):
    booker, _, _ = _approved(session, email="booker@example.edu.cn", locale="en")
    quiet = make_student(session, email="quiet@example.edu.cn")
    notification_service.save_preferences(session, user=quiet, email_kinds={"exam_result"})
    rows = {r.kind: r.email for r in notification_service.preferences(session, user=quiet)}
    assert rows["booking_approved"] is False and rows["exam_result"] is True
    notification_service.notify(
        session, recipient_id=quiet.id, kind="booking_approved", params={"studio": "A"}
    )
    assert len(_mine(session, quiet)) == 1  # in-app is always kept
    assert smtp.messages == []  # nothing is sent inside the action
    counts = notification_service.deliver_due(session, now=NOW)
    assert counts == {"sent": 1, "retried": 0, "failed": 0}
    (message,) = smtp.messages
    assert message["To"] == "booker@example.edu.cn"
    assert message["Subject"] == "Chanjiao: Booking approved"
    body = message.get_content()
    assert "Your booking of" in body and "https://chanjiao.example.edu.cn/bookings/" in body
    assert notification_service.deliver_due(session, now=NOW)["sent"] == 0  # sent once


def test_no_email_is_queued_while_smtp_is_not_set_up(session, monkeypatch):
    monkeypatch.setattr(settings, "smtp_host", "")
    _approved(session, email="booker@example.edu.cn")
    assert session.exec(select(Delivery)).all() == []


def test_a_rolled_back_action_sends_nothing(session, smtp):
    student = make_student(session, email="s@example.edu.cn")
    session.commit()
    notification_service.notify(session, recipient_id=student.id, kind="exam_result", params={})
    session.rollback()
    assert _mine(session, student) == []
    assert notification_service.deliver_due(session, now=NOW)["sent"] == 0
    assert smtp.messages == []


def _robot(session, *, studio_id=None, team_id=None, kind="wecom", url, secret=""):
    form = WebhookForm.parse({"kind": kind, "url": url, "secret": secret})
    return notification_service.add_endpoint(
        session, actor=make_admin(session), form=form, studio_id=studio_id, team_id=team_id
    )


def test_a_studio_robot_gets_the_wecom_text_message(session):
    with webhook_receiver() as receiver:
        studio = make_studio(session)
        _robot(session, studio_id=studio.id, url=receiver.url)
        booker = make_student(session)
        booking = make_booking(session, studio=studio, user=booker, starts_at=TEN)
        from app.services.bookings import lifecycle

        lifecycle.cancel_booking(
            session, booking_id=booking.id, actor=make_admin(session), reason="设备故障", now=NOW
        )
        assert receiver.requests == []
        assert notification_service.deliver_due(session, now=NOW)["sent"] == 1
    ((path, body),) = receiver.requests
    assert path == "/robot/send?key=test-key"
    assert body["msgtype"] == "text"
    assert studio.name in body["text"]["content"] and "设备故障" in body["text"]["content"]


def test_a_dingtalk_robot_with_a_secret_gets_a_signed_address(session):
    # DingTalk's recipe: base64(HMAC-SHA256(key=secret, "timestamp\nsecret")), URL-encoded
    digest = hmac.new(b"SEC", b"1700000000000\nSEC", hashlib.sha256).digest()
    expected = quote_plus(base64.b64encode(digest).decode())
    assert signed_url("https://x/robot/send?access_token=t", "SEC", timestamp_ms=1700000000000) == (
        f"https://x/robot/send?access_token=t&timestamp=1700000000000&sign={expected}"
    )
    with webhook_receiver() as receiver:
        studio = make_studio(session)
        _robot(session, studio_id=studio.id, kind="dingtalk", url=receiver.url, secret="SEC")
        notification_service.notify(
            session,
            recipient_id=make_student(session).id,
            kind="exam_result",
            params={},
            studio_id=studio.id,
        )
        notification_service.deliver_due(session, now=NOW)
    ((path, body),) = receiver.requests
    assert "&timestamp=" in path and "&sign=" in path
    assert body["msgtype"] == "text" and body["text"]["content"]


def test_a_failed_send_is_retried_with_backoff_and_given_up_after_the_last_attempt(
    session, monkeypatch
):
    monkeypatch.setattr(settings, "notify_max_attempts", 3)
    monkeypatch.setattr(settings, "notify_retry_base_seconds", 60)
    studio = make_studio(session)
    with webhook_receiver() as receiver:
        _robot(session, studio_id=studio.id, url=receiver.url)
        receiver.status = 500
        notification_service.notify(
            session,
            recipient_id=make_student(session).id,
            kind="exam_result",
            params={},
            studio_id=studio.id,
        )
        assert notification_service.deliver_due(session, now=NOW)["retried"] == 1
        delivery = session.exec(select(Delivery)).one()
        session.refresh(delivery)
        assert (delivery.attempts, delivery.status) == (1, "pending")
        assert delivery.next_attempt_at == NOW + timedelta(seconds=60)
        assert "HTTP 500" in delivery.last_error
        # not before its time
        assert notification_service.deliver_due(session, now=NOW + timedelta(seconds=59)) == {
            "sent": 0,
            "retried": 0,
            "failed": 0,
        }
        later = NOW + timedelta(seconds=60)
        assert notification_service.deliver_due(session, now=later)["retried"] == 1
        session.refresh(delivery)
        assert delivery.next_attempt_at == later + timedelta(seconds=120)  # doubled
        # a robot that answers 200 with an error code has failed too
        receiver.status, receiver.answer = (
            200,
            {"errcode": 310000, "errmsg": "keywords not in content"},
        )
        last = later + timedelta(seconds=120)
        assert notification_service.deliver_due(session, now=last)["failed"] == 1
        session.refresh(delivery)
        assert (delivery.attempts, delivery.status) == (3, "failed")
        assert "310000" in delivery.last_error
        assert notification_service.deliver_due(session, now=last + timedelta(days=1)) == {
            "sent": 0,
            "retried": 0,
            "failed": 0,
        }
    assert len(receiver.requests) == 3


def test_an_unreachable_smtp_server_is_retried(session, monkeypatch):
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", free_port())  # nothing listens there
    monkeypatch.setattr(settings, "notify_send_timeout_seconds", 2)
    student = make_student(session, email="s@example.edu.cn")
    notification_service.notify(session, recipient_id=student.id, kind="exam_result", params={})
    assert notification_service.deliver_due(session, now=NOW)["retried"] == 1
    delivery = session.exec(select(Delivery)).one()
    session.refresh(delivery)
    assert delivery.attempts == 1 and delivery.last_error


def test_a_claimed_row_is_not_sent_by_a_second_worker_meanwhile(session):
    from app.services.notifications.delivery import _claim

    studio = make_studio(session)
    session.add(WebhookEndpoint(kind="wecom", url="http://127.0.0.1:9/x", studio_id=studio.id))
    session.flush()
    notification_service.notify(
        session,
        recipient_id=make_student(session).id,
        kind="exam_result",
        params={},
        studio_id=studio.id,
    )
    delivery_id = session.exec(select(Delivery.id)).one()
    assert _claim(session, delivery_id, NOW) is not None
    assert _claim(session, delivery_id, NOW) is None  # the lease moved it past now


def test_webhook_addresses_must_be_https_or_this_machine():
    from app.errors import FormErrors

    refused = (
        "http://example.com/hook",
        "ftp://x/y",
        "javascript:alert(1)",
        "https://",
        "",
        "https://169.254.169.254/latest",
        "https://10.0.0.5/hook",
        "https://user:pw@qyapi.weixin.qq.com/x",
    )
    for url in refused:
        with pytest.raises(FormErrors) as caught:
            WebhookForm.parse({"kind": "wecom", "url": url})
        assert "url" in caught.value.errors
    assert WebhookForm.parse({"kind": "wecom", "url": "http://localhost:8/x"}).url
    assert WebhookForm.parse({"kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send"})
    with pytest.raises(FormErrors):
        WebhookForm.parse({"kind": "slack", "url": "https://hooks.example/x"})


# --- each hooked event ---------------------------------------------------------------------


def test_a_rejection_and_an_admins_cancellation_tell_the_booker_but_an_own_cancel_does_not(
    session,
):
    from app.services.bookings import lifecycle

    activate("en")
    studio = make_studio(session, requires_approval=True)
    admin, booker = make_admin(session), make_student(session)
    pending = make_booking(session, studio=studio, user=booker, starts_at=TEN, status="pending")
    lifecycle.reject_booking(session, booking_id=pending.id, actor=admin, reason="实训课", now=NOW)
    mine = make_booking(session, studio=studio, user=booker, starts_at=TEN + timedelta(hours=3))
    lifecycle.cancel_booking(session, booking_id=mine.id, actor=booker, now=NOW)
    theirs = make_booking(session, studio=studio, user=booker, starts_at=TEN + timedelta(hours=5))
    lifecycle.cancel_booking(session, booking_id=theirs.id, actor=admin, reason="停电", now=NOW)
    rows = sorted(_mine(session, booker), key=lambda r: r.id)
    assert [r.kind for r in rows] == ["booking_rejected", "booking_cancelled"]
    texts = [notification_service.message_text(r.kind, r.params, "en") for r in rows]
    assert "rejected: 实训课" in texts[0]
    assert texts[1].startswith(admin.full_name) and "停电" in texts[1]


def test_a_new_guidance_log_asks_the_teams_members_to_acknowledge_it(session):
    from app.schemas.mentoring import LogForm
    from app.services import clock
    from app.services.mentoring import guidance as guidance_service
    from tests.factories_teams import make_paired_world

    w = make_paired_world(session)
    form = LogForm.parse(
        {"held_on": clock.today().isoformat(), "minutes": "60", "mode": "in_studio", "notes": "n"}
    )
    log = guidance_service.create_log(
        session, user=w["mentor_a"], pairing_id=w["pairing_a"].id, form=form
    )
    (row,) = _mine(session, w["student_a"])
    assert (row.kind, row.link) == ("guidance_to_acknowledge", f"/guidance/logs/{log.id}")
    text = notification_service.message_text(row.kind, row.params, "zh_CN")
    assert w["mentor_a"].full_name in text and w["team_a"].name in text and "确认" in text
    assert _mine(session, w["student_b"]) == []
    changed = LogForm.parse(
        {"held_on": clock.today().isoformat(), "minutes": "90", "mode": "in_studio", "notes": "n2"}
    )
    guidance_service.update_log(session, user=w["mentor_a"], log_id=log.id, form=changed)
    again = [r for r in _mine(session, w["student_a"]) if r.params.get("variant") == "corrected"]
    assert len(again) == 1
    assert "重新" in notification_service.message_text(again[0].kind, again[0].params, "zh_CN")


def test_an_exam_tells_each_candidate_the_result_and_the_certificate_issued(session):
    from app.schemas.judging import CriterionForm, ScoresForm
    from app.services.certificates import exams as exam_service
    from tests.factories_contests import make_exam
    from tests.factories_curriculum import make_certificate

    cert = make_certificate(session, hours={5: 0})
    admin, examiner = make_admin(session), make_teacher(session)
    good, weak = make_student(session), make_student(session)
    exam = make_exam(session, actor=admin, certificate=cert)
    criterion = exam_service.add_criterion(
        session, exam_id=exam.id, form=CriterionForm.parse({"name_zh": "节奏", "max_score": "100"})
    )
    exam_service.add_examiner(session, exam_id=exam.id, user_id=examiner.id)
    for student, points in ((good, "80"), (weak, "40")):
        candidate = exam_service.add_candidate(session, exam_id=exam.id, student_id=student.id)
        exam_service.save_exam_scores(
            session,
            examiner=examiner,
            exam_id=exam.id,
            candidate_id=candidate.id,
            form=ScoresForm.parse({f"c{criterion.id}": points}),
        )
    assert exam_service.finalise_exam(session, actor=admin, exam_id=exam.id) == 1
    good_kinds = sorted(r.kind for r in _mine(session, good))
    assert good_kinds == ["certificate_issued", "exam_result"]
    (weak_row,) = _mine(session, weak)
    assert weak_row.params["variant"] == "failed"
    assert "60" in notification_service.message_text(weak_row.kind, weak_row.params, "en")
    certificate = next(r for r in _mine(session, good) if r.kind == "certificate_issued")
    assert cert.name_en in notification_service.message_text(
        certificate.kind, certificate.params, "en"
    )
    assert cert.name_zh in notification_service.message_text(
        certificate.kind, certificate.params, "zh_CN"
    )


def test_a_review_action_due_tomorrow_is_reminded_once(session):
    from app.models.reviews import ReviewAction
    from app.services import clock
    from tests.factories_teams import make_live_session, make_project, make_team

    owner = make_student(session)
    team = make_team(session, members=[(owner, "anchor")])
    live = make_live_session(session, team, make_project(session, team), on=clock.today())
    today = clock.today()
    for text, due in (("改话术", today + timedelta(days=1)), ("later", today + timedelta(days=9))):
        session.add(ReviewAction(session_id=live.id, text=text, owner_id=owner.id, due_on=due))
    session.flush()
    assert notification_service.queue_due_reminders(session, today=today) == 1
    assert notification_service.queue_due_reminders(session, today=today) == 0
    (row,) = _mine(session, owner)
    assert row.kind == "action_due" and row.link == f"/teams/{team.id}/sessions/{live.id}"
    assert "改话术" in notification_service.message_text(row.kind, row.params, "en")


def test_the_waitlist_offer_reads_with_and_without_a_deadline(session):
    studio = make_studio(session)
    student = make_student(session)
    booked = notification_service.waitlist_offered(
        session, user_id=student.id, studio=studio, starts_at=TEN
    )
    offered = notification_service.waitlist_offered(
        session, user_id=student.id, studio=studio, starts_at=TEN, expires_at=NOW
    )
    assert "now booked for you" in notification_service.message_text(
        booked.kind, booked.params, "en"
    )
    assert "take it by" in notification_service.message_text(offered.kind, offered.params, "en")
