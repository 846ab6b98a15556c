# Chanjiao: the web app with uvicorn, for SQLite (a volume on /app/var) or PostgreSQL.
#   docker build -t chanjiao .
#   docker run -p 8000:8000 -e SECRET_KEY=... -e DATABASE_URL=postgresql://... chanjiao
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# CJK fonts (PDF exports, server-side rendering of Chinese text), fontconfig, and the
# Pango libraries WeasyPrint renders PDFs with.
# psycopg[binary], argon2 and uvloop ship wheels: no compiler or libpq needed.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk fontconfig \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 chanjiao \
    && useradd --system --uid 10001 --gid chanjiao --home-dir /app --shell /usr/sbin/nologin chanjiao

WORKDIR /app
COPY . /app

# `pip install .` brings the dependencies. The app runs from this source tree (alembic.ini,
# migrations/ and seeds/ live beside app/), so /app comes first on the import path.
RUN pip install . \
    && SECRET_KEY=build-time-only ENVIRONMENT=production python -m app i18n-compile \
    && mkdir -p /app/var \
    && chown -R chanjiao:chanjiao /app/var

ENV PYTHONPATH=/app \
    ENVIRONMENT=production \
    WEB_CONCURRENCY=2

USER chanjiao
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# Migrate, then serve. X-Forwarded-* headers are trusted from FORWARDED_ALLOW_IPS
# (uvicorn's variable; default 127.0.0.1): set it to the reverse proxy's address.
CMD ["sh", "-c", "python -m app migrate && exec uvicorn app.asgi:app --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-2} --proxy-headers"]
