"""The clock's part of notifications, for `python -m app tick` and the background loop
every web worker runs (NOTIFY_WORKER_SECONDS): make the due reminders, send what is due.

Several workers may run it at once: reminders are made once (a unique key per action and
due date) and each delivery is claimed by one worker (``deliver_due``)."""

import logging
from datetime import datetime

import anyio

from app import db
from app.services import clock
from app.services.notifications.delivery import deliver_due
from app.services.notifications.events import queue_due_reminders

log = logging.getLogger(__name__)


def run_once(*, now: datetime | None = None) -> dict[str, int]:
    """One round: reminders, then deliveries; what it did."""
    with db.open_session(write=True) as session:
        reminders = queue_due_reminders(session, today=clock.today(now))
        session.commit()
        counts = deliver_due(session, now=now)
    return {"reminders": reminders, **counts}


async def run_forever(interval_seconds: float) -> None:
    """Run a round every ``interval_seconds`` in a worker thread (sending may take seconds)
    until cancelled at shutdown; a failed round is logged and the next one tries again."""
    own_thread = anyio.CapacityLimiter(1)  # a slow mail server must not take request threads
    while True:
        await anyio.sleep(interval_seconds)
        try:
            await anyio.to_thread.run_sync(run_once, limiter=own_thread)
        except Exception:
            log.exception("notification delivery round failed")
