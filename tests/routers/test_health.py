from app import db


def test_healthz_reports_the_database(client, database_url):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == db.engine.dialect.name


def test_healthz_is_503_when_the_database_is_unreachable(client, database_url):
    unreachable = (
        "sqlite:////nonexistent-dir/never/chanjiao.db"
        if database_url.startswith("sqlite")
        else "postgresql+psycopg://postgres@127.0.0.1:1/none"
    )
    db.configure_engine(unreachable)
    try:
        response = client.get("/healthz")
    finally:
        db.configure_engine(database_url)
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
