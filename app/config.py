"""Settings read from the environment (and an optional .env file)."""

import secrets
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: str = "development"  # "production" demands an explicit SECRET_KEY
    database_url: str = f"sqlite:///{VAR_DIR / 'chanjiao.db'}"
    secret_key: str = ""
    timezone: str = "Asia/Shanghai"
    default_locale: str = "zh_CN"
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    # Failed logins from one address (any accounts) within LOGIN_LOCK_MINUTES before that
    # address must wait: stops password spraying. A computer room behind one NAT address
    # shares it, so it sits well above a class's typing mistakes.
    login_address_max_failures: int = 20
    # Days a one-time password (set by an administrator or a roster import) stays valid.
    one_time_password_days: int = 7
    # Proxies whose X-Forwarded-For is believed (comma-separated addresses or networks,
    # or "*"); uvicorn reads the same variable for the scheme. Others are the client.
    forwarded_allow_ips: str = "127.0.0.1"
    sqlite_busy_timeout_ms: int = 15000
    # Re-read templates when their files change (development only: it stats every file
    # of every page).
    template_auto_reload: bool = False
    # Worker threads per process for sync handlers. Python runs one thread at a time: more
    # threads only fight over the interpreter lock (benchmarks/pages.py, student
    # dashboard, 2 workers: 8 threads 500 req/s, 4 725, 2 790), while a few keep one slow
    # page from holding up every other request.
    threadpool_size: int = 4
    # Seconds an administrator's dashboard figures (college-wide counts) are reused by a
    # worker before they are counted again; a change committed by that worker drops them
    # at once. 0 counts on every visit.
    dashboard_cache_seconds: int = 30
    # Argon2id cost: OWASP's first recommended configuration (19 MiB, 2 passes, 1 lane),
    # ~20 ms a hash, so a 500-student roster import hashes in seconds. Tests lower it.
    argon2_time_cost: int = 2
    argon2_memory_kib: int = 19456
    argon2_parallelism: int = 1
    # Studio bookings: weekly hour quota per student, check-in window around the start,
    # how far ahead teachers and administrators may book.
    booking_student_weekly_hours: int = 6
    booking_checkin_before_minutes: int = 10
    booking_checkin_after_minutes: int = 15
    booking_staff_advance_days: int = 180
    # Evaluation exports: days a finished export file is kept for download.
    export_retention_days: int = 7
    # Studio bookings: weekly hour quota per team (its active bookings, any booker).
    booking_team_weekly_hours: int = 10
    # No-show strikes: a studio booked and not checked in keeps the room from others. A
    # student's K-th missed check-in in a term (forgiven ones aside) suspends their booking
    # and waitlisting for D days from that check-in's close; 0 strikes turns this off.
    booking_strike_limit: int = 3
    booking_suspension_days: int = 14
    # Notifications by e-mail go out through this SMTP server; none while SMTP_HOST is
    # empty (the in-app notification centre works without it). SMTP_STARTTLS upgrades a
    # plain connection (port 587); the college's relay may need SMTP_USER/SMTP_PASSWORD.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "chanjiao@localhost"
    smtp_starttls: bool = True
    # E-mails and group-robot messages link back to the app: the address users reach it at.
    public_base_url: str = "http://127.0.0.1:8000"
    # Seconds between a worker's background runs that send queued e-mails and robot
    # messages (no request ever waits on them); 0 leaves it to `python -m app tick` (cron).
    notify_worker_seconds: int = 30
    # A failed send is retried after NOTIFY_RETRY_BASE_SECONDS, doubling each time, and
    # given up after NOTIFY_MAX_ATTEMPTS (6 attempts: about an hour of outages).
    notify_max_attempts: int = 6
    notify_retry_base_seconds: int = 60
    # How long one SMTP or webhook call may take before it counts as failed.
    notify_send_timeout_seconds: float = 10

    @model_validator(mode="after")
    def _secret_key_present(self) -> "Settings":
        if not self.secret_key:
            if self.environment == "production":
                raise ValueError("SECRET_KEY must be set when ENVIRONMENT=production")
            self.secret_key = _development_secret()
        return self

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _development_secret() -> str:
    """Generate a secret once and keep it in var/ so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


settings = Settings()
