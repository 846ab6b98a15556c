"""The rotating code in a studio's check-in QR: proof that the person checking in stands
at the door. A code is an HMAC of the studio and the current time window under the app's
secret key, so nothing is stored and every worker agrees; the screen by the door shows
the current one, and the code of the window just past still counts (a scan as it turns).
"""

import hashlib
import hmac
from datetime import datetime

from app.config import settings
from app.models.base import utcnow

WINDOW_SECONDS = 300  # a new code every five minutes


def _window(now: datetime) -> int:
    return int(now.timestamp()) // WINDOW_SECONDS


def _code(studio_id: int, window: int) -> str:
    message = f"checkin:{studio_id}:{window}".encode()
    digest = hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()
    return digest[:20]


def current_code(studio_id: int, now: datetime | None = None) -> str:
    """The code the door shows now."""
    return _code(studio_id, _window(now or utcnow()))


def is_valid(studio_id: int, code: str | None, now: datetime | None = None) -> bool:
    """Whether ``code`` is this studio's code of now or of the window just past."""
    if not code or len(code) > 64:
        return False
    window = _window(now or utcnow())
    given = code.encode()  # bytes: compare_digest refuses non-ASCII text (a pasted 二维码)
    return any(
        hmac.compare_digest(given, _code(studio_id, w).encode()) for w in (window, window - 1)
    )


def seconds_left(now: datetime | None = None) -> int:
    """Until the door shows the next code."""
    return WINDOW_SECONDS - int((now or utcnow()).timestamp()) % WINDOW_SECONDS
