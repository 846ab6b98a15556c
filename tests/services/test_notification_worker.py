"""Who sends: `python -m app tick` and the background loop each web worker starts."""

import time

from fastapi.testclient import TestClient
from sqlmodel import select
from typer.testing import CliRunner

from app.cli import cli
from app.config import settings
from app.models.notifications import Delivery, WebhookEndpoint
from app.services import notifications as notification_service
from tests.factories import make_student
from tests.factories_studios import make_studio
from tests.notification_servers import webhook_receiver


def _queued(session, url: str):
    studio = make_studio(session)
    session.add(WebhookEndpoint(kind="wecom", url=url, studio_id=studio.id))
    session.flush()
    notification_service.notify(
        session,
        recipient_id=make_student(session).id,
        kind="exam_result",
        params={"exam": "实操"},
        studio_id=studio.id,
    )
    session.commit()


def test_tick_sends_what_is_queued(session, database_url):
    with webhook_receiver() as receiver:
        _queued(session, receiver.url)
        result = CliRunner().invoke(cli, ["tick"])
        assert result.exit_code == 0, result.output
        assert "sent 1 notifications" in result.output
    assert len(receiver.requests) == 1
    assert session.exec(select(Delivery.status)).one() == "sent"


def test_the_app_sends_in_the_background_when_its_loop_is_on(session, app, monkeypatch):
    monkeypatch.setattr(settings, "notify_worker_seconds", 0.05)
    with webhook_receiver() as receiver:
        _queued(session, receiver.url)
        with TestClient(app):
            deadline = time.monotonic() + 5
            while not receiver.requests and time.monotonic() < deadline:
                time.sleep(0.05)
        assert len(receiver.requests) == 1


def test_the_loop_is_off_when_its_setting_is_zero(session, app):
    assert settings.notify_worker_seconds == 0  # tests send with deliver_due themselves
    with webhook_receiver() as receiver:
        _queued(session, receiver.url)
        with TestClient(app):
            time.sleep(0.2)
        assert receiver.requests == []
