"""Password hashing, signed cookies, and the security-headers ASGI middleware."""

import hashlib
import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import settings

SESSION_COOKIE = "cj_session"
ANON_CSRF_COOKIE = "cj_csrf"
FLASH_COOKIE = "cj_flash"
LOCALE_COOKIE = "cj_lang"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

password_hasher = PasswordHash(
    (
        Argon2Hasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        ),
    )
)


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return password_hasher.verify(password, password_hash)
    except Exception:  # a malformed stored hash must read as "wrong password", not a 500
        return False


# A hash to check against when the account does not exist, so both paths cost the same.
DUMMY_PASSWORD_HASH = hash_password(secrets.token_urlsafe(16))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt=salt)


def sign(value, *, purpose: str) -> str:
    return _serializer(purpose).dumps(value)


def unsign(signed: str | None, *, purpose: str):
    if not signed:
        return None
    try:
        return _serializer(purpose).loads(signed)
    except BadSignature:
        return None


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeadersMiddleware:
    """Pure ASGI: adds the security headers to every HTTP response (no body buffering)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
