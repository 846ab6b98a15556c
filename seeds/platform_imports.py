"""The column mappings of the platforms' live-data exports (catalogue data a teacher may
edit; rows that exist are left alone), each with a sample export in platform_samples/;
and, in the demo, an upload of the 抖音 sample awaiting its check by student1's team."""

from sqlmodel import Session, select

from app.models.platform_imports import PlatformImport, PlatformMapping
from app.models.teams import LiveSession, SessionStatus, Team
from app.services import clock, uploads
from app.services.platform_imports import mappings as mapping_service
from seeds.loader import CATALOGUE_DIR, SEEDS_DIR, SeedReport, create, read, upsert, user_named

SAMPLES_DIR = SEEDS_DIR / "platform_samples"
DEMO_UPLOADER = "student1"
DEMO_FILE = "抖音直播数据（演示）.csv"


def mapping_rows() -> list[dict]:
    return read("platform_mappings.json", CATALOGUE_DIR)


def seed_catalogue(session: Session, report: SeedReport) -> None:
    """One mapping per platform, keyed by its name."""
    for row in mapping_rows():
        values = {
            "platform": row["platform"],
            "columns": row["columns"],
            "watch_time_unit": row["watch_time_unit"],
            "money_unit": row["money_unit"],
        }
        upsert(session, PlatformMapping, {"name": row["name"]}, values, report)


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    """The 抖音 sample, its times moved onto the captain's team's latest recorded
    sessions, as an upload not saved yet (so the preview has something to show)."""
    student = user_named(session, DEMO_UPLOADER)
    row = next(r for r in mapping_rows() if r["platform"] == "douyin")
    mapping = session.exec(select(PlatformMapping).filter_by(name=row["name"])).first()
    team = student and session.exec(select(Team).where(Team.captain_id == student.id)).first()
    if mapping is None or team is None:
        return
    done = session.exec(
        select(PlatformImport.id).where(
            PlatformImport.team_id == team.id, PlatformImport.filename == DEMO_FILE
        )
    ).first()
    lives = session.exec(
        select(LiveSession)
        .where(LiveSession.team_id == team.id, LiveSession.status == SessionStatus.completed.value)
        .order_by(LiveSession.planned_start.desc())  # type: ignore[union-attr]
        .limit(2)
    ).all()
    if done is not None or not lives:
        return
    table = uploads.read_table(
        (SAMPLES_DIR / row["sample"]).read_bytes(),
        layout=mapping_service.layout_of(mapping),
        max_rows=10,
    )
    rows = [
        {**cells, "actual_start": clock.local_text(live.actual_start)}
        | {"actual_end": clock.local_text(live.actual_end)}
        for cells, live in zip(table.rows, lives, strict=False)
    ]
    record = PlatformImport(
        team_id=team.id,
        mapping_id=mapping.id,
        mapping_name=mapping.name,
        watch_time_unit=mapping.watch_time_unit,
        money_unit=mapping.money_unit,
        filename=DEMO_FILE,
        rows=rows,
        row_count=len(rows),
        created_by_id=student.id,
    )
    create(session, record, report)
