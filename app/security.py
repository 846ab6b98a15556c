"""Password hashing, signed cookies, the client's address behind trusted proxies, and the
security-headers ASGI middleware."""

import hashlib
import ipaddress
import secrets
from functools import lru_cache

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
    return _serializer_for(settings.secret_key, salt)


@lru_cache(maxsize=32)
def _serializer_for(secret_key: str, salt: str) -> URLSafeSerializer:
    """Built once per key and purpose: every request unsigns its session cookie, and a
    new serializer derives its signing key again each time."""
    return URLSafeSerializer(secret_key, salt=salt)


def sign(value, *, purpose: str) -> str:
    return _serializer(purpose).dumps(value)


def unsign(signed: str | None, *, purpose: str):
    if not signed:
        return None
    try:
        return _serializer(purpose).loads(signed)
    except BadSignature:
        return None


def unsign_text(signed: str | None, *, purpose: str) -> str | None:
    """A signed string (a session token), or None: checked once per worker for each
    cookie value, since every request of a browser sends the same one and checking the
    signature was ~10 us of each request. Only text is kept: nothing a caller could change."""
    if not signed:
        return None
    return _unsigned_text(settings.secret_key, purpose, signed)


@lru_cache(maxsize=4096)
def _unsigned_text(secret_key: str, purpose: str, signed: str) -> str | None:
    value = unsign(signed, purpose=purpose)
    return value if isinstance(value, str) else None


@lru_cache(maxsize=8)
def _trusted_proxies(spec: str) -> tuple[bool, tuple, frozenset[str]]:
    """FORWARDED_ALLOW_IPS parsed: (everyone, networks, other literal names)."""
    entries = [entry.strip() for entry in spec.split(",") if entry.strip()]
    networks, names = [], set()
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry)  # e.g. a unix socket path, as uvicorn allows
    return "*" in entries, tuple(networks), frozenset(names)


def _is_trusted(host: str, spec: str) -> bool:
    everyone, networks, names = _trusted_proxies(spec)
    if everyone or host in names:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def client_address(request) -> str | None:
    """The address a request came from, for rate limits and login records.

    X-Forwarded-For is believed only when the connection comes from a proxy listed in
    FORWARDED_ALLOW_IPS; then the visitor is the last hop not added by a trusted proxy
    (anything to its left was sent by the visitor and may be made up). Anyone else
    connecting directly is counted by their own address, whatever headers they send."""
    peer = request.client.host if request.client else None
    spec = settings.forwarded_allow_ips
    forwarded = request.headers.get("x-forwarded-for")
    if not peer or not forwarded or not _is_trusted(peer, spec):
        return peer
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, spec):
            return hop[:64]
    return hops[0][:64] if hops else peer


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


_SESSION_COOKIE_PREFIX = SESSION_COOKIE.encode() + b"="
STATIC_PREFIX = "/static/"


def _sends_session_cookie(headers) -> bool:
    return any(
        name.lower() == b"cookie" and _SESSION_COOKIE_PREFIX in value for name, value in headers
    )


def _sets_session_cookie(headers) -> bool:
    return any(
        name.lower() == b"set-cookie" and value.startswith(_SESSION_COOKIE_PREFIX)
        for name, value in headers
    )


class SecurityHeadersMiddleware:
    """Pure ASGI: adds the security headers to every HTTP response (no body buffering).

    Responses to a logged-in browser (it sends the session cookie, or this response sets
    it) get ``Cache-Control: no-store`` unless the handler chose its own caching: a
    shared computer's back button or a proxy must not show one person's pages to the
    next. Static files keep their caching. HSTS goes with every HTTPS response."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        static = scope.get("path", "").startswith(STATIC_PREFIX)
        logged_in = not static and _sends_session_cookie(scope.get("headers", ()))

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if (
                    b"cache-control" not in present
                    and not static
                    and (logged_in or _sets_session_cookie(headers))
                ):
                    headers.append((b"cache-control", b"no-store"))
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
