"""The column mappings of the platforms' live-data exports (catalogue data a teacher may
edit; rows that exist are left alone). Each has a sample export in platform_samples/."""

from sqlmodel import Session

from app.models.platform_imports import PlatformMapping
from seeds.loader import CATALOGUE_DIR, SEEDS_DIR, SeedReport, read, upsert

SAMPLES_DIR = SEEDS_DIR / "platform_samples"


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
