"""The evaluation at college scale: compute, CSV, XLSX and a 1,000-row PDF.

    .venv/bin/python benchmarks/evaluation.py [--students 10000] [--teams 2000]
        [--sessions 50000] [--entries 5000] [--no-half]

Builds a fresh SQLite database in a temp dir (migrations, the catalogue, then
``evaluation_seed.seed_bulk``: bulk inserts of students, cohorts, teams and members, live
sessions, accounts with follower counts, and competition entries in published rounds
that ``award_facts`` reads), then times each step and measures its peak memory growth
(tracemalloc, in a second pass so that tracing does not slow the timed one). The same
runs at half the size give the time ratio (about 2 means linear growth; the target is at
most 2.2).

Targets on a 2-core machine: compute < 3 s, CSV < 3 s, XLSX < 8 s with peak memory
growth < 150 MB, PDF (1,000 rows) < 15 s, the overview page's figures < 0.3 s on the first
visit after a change (``overview``) and on the next (``overview2``, served from the kept
computation). A missed target is reported, not fatal.
"""

import argparse
import gc
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "benchmark-secret-key")

TARGETS = {
    "compute": 3.0,
    "csv": 3.0,
    "xlsx": 8.0,
    "pdf": 15.0,
    "overview": 0.3,  # the overview page's service, first visit after a change
    "overview2": 0.3,  # the same again: the kept computation (app/services/evaluation/cache.py)
}
RATIO_TARGET = 2.2
STEPS = ("compute", "csv", "xlsx", "pdf", "overview", "overview2")
XLSX_MEMORY_TARGET_MB = 150.0
PERIOD = (date(2025, 9, 1), date(2026, 1, 31))


def _build(directory: Path, *, students: int, teams: int, sessions: int, entries: int) -> str:
    from app import db
    from app import migrate as migrations
    from seeds import evaluation as evaluation_seed
    from seeds import loader as seeding
    from tests.factories import make_admin

    url = f"sqlite:///{directory / 'bench.db'}"
    migrations.upgrade(url)
    db.configure_engine(url)
    started = time.perf_counter()
    with db.open_session(write=True) as session:
        seeding.seed_catalogue(session)
        make_admin(session)  # who opens the overview
        report = seeding.SeedReport()
        evaluation_seed.seed_catalogue(session, report)
        evaluation_seed.seed_bulk(
            session, students=students, teams=teams, sessions=sessions, entries=entries
        )
        session.commit()
    print(
        f"  data: {students:,} students, {teams:,} teams, {sessions:,} sessions, "
        f"{entries:,} entries in {time.perf_counter() - started:.1f} s"
    )
    return url


def _steps():
    from sqlmodel import select

    from app import db
    from app.exports import evaluation as export
    from app.models import Cohort
    from app.services import evaluation as evaluation_service

    state: dict = {}

    def compute():
        with db.open_session() as session:
            cohort_ids = list(session.exec(select(Cohort.id)).all())
            scheme = evaluation_service.current_scheme(session)
            state["result"] = evaluation_service.evaluate(
                session,
                cohort_ids=cohort_ids,
                period=evaluation_service.Period(*PERIOD),
                params=scheme.params,
                scheme_version=scheme.version,
            )
        return f"{len(state['result'].students):,} students"

    def csv():
        return f"{len(export.evaluation_csv(state['result'])) / 1e6:.1f} MB"

    def xlsx():
        return f"{len(export.evaluation_xlsx(state['result'])) / 1e6:.1f} MB"

    def pdf():
        return f"{len(export.evaluation_pdf(state['result'], student_limit=1000)) / 1e6:.1f} MB"

    def overview():
        from app.models import Role, User
        from app.services.evaluation import cache, views

        cache.KEPT.clear()  # as a worker's first visit after a change
        with db.open_session() as session:
            admin = session.exec(select(User).where(User.role == Role.admin)).first()
            page = views.overview(session, user=admin, period=evaluation_service.Period(*PERIOD))
        return f"{len(page['result'].cohorts):,} cohorts"

    def overview_again():
        from app.models import Role, User
        from app.services.evaluation import views

        with db.open_session() as session:
            admin = session.exec(select(User).where(User.role == Role.admin)).first()
            page = views.overview(session, user=admin, period=evaluation_service.Period(*PERIOD))
        return f"{len(page['result'].cohorts):,} cohorts, kept"

    return [
        ("compute", compute),
        ("csv", csv),
        ("xlsx", xlsx),
        ("pdf", pdf),
        ("overview", overview),
        ("overview2", overview_again),
    ]


QUICK = 2.0  # seconds


def _timed(step) -> tuple[float, str]:
    gc.collect()
    started = time.perf_counter()
    detail = step()
    return time.perf_counter() - started, detail


def _run(sizes: dict, *, memory: bool) -> dict[str, tuple[float, float | None, str]]:
    # As a web worker does once started (app/main.py, lifespan): what is loaded by then
    # (modules, the app, here also the data build's leftovers) is moved out of the
    # collector's reach, so full collections during a step walk only that step's objects.
    gc.collect()
    gc.freeze()
    figures = {}
    for name, step in _steps():
        elapsed, detail = _timed(step)
        if elapsed < QUICK:  # short steps are timed three times: the ratio needs the best
            elapsed = min(elapsed, *(_timed(step)[0] for _ in range(2)))
        peak_mb = None
        if memory and name in ("compute", "csv", "xlsx"):
            gc.collect()
            tracemalloc.start()
            base, _ = tracemalloc.get_traced_memory()
            step()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            peak_mb = (peak - base) / 1e6
        figures[name] = (elapsed, peak_mb, detail)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=2_000)
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--entries", type=int, default=5_000)
    parser.add_argument("--no-half", action="store_true", help="skip the half-size run")
    args = parser.parse_args()
    full = {
        "students": args.students,
        "teams": args.teams,
        "sessions": args.sessions,
        "entries": args.entries,
    }
    runs = [("full", full, True)]
    if not args.no_half:
        runs.append(("half", {k: v // 2 for k, v in full.items()}, False))
    results = {}
    for label, sizes, memory in runs:
        directory = Path(tempfile.mkdtemp(prefix=f"chanjiao-bench-eval-{label}-"))
        try:
            print(f"{label} size:")
            _build(directory, **sizes)
            results[label] = _run(sizes, memory=memory)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    print()
    print(f"{'step':<10}{'time (s)':>10}{'target':>9}{'peak +MB':>10}{'÷ half':>9}  detail")
    missed = []
    for name in STEPS:
        elapsed, peak, detail = results["full"][name]
        ratio, grows = "", 0.0
        if "half" in results and results["half"][name][0] > 0:
            grows = elapsed / results["half"][name][0]
            ratio = f"{grows:.2f}"
        peak_text = f"{peak:.0f}" if peak is not None else "-"
        # twice the data may take at most 2.2 times as long (the PDF is always 1,000 rows;
        # the kept overview's milliseconds are noise)
        ok = elapsed < TARGETS[name] and (name in ("pdf", "overview2") or grows <= RATIO_TARGET)
        if name == "xlsx" and peak is not None and peak >= XLSX_MEMORY_TARGET_MB:
            ok = False
        if not ok:
            missed.append(name)
        print(
            f"{name:<10}{elapsed:>10.2f}{TARGETS[name]:>9g}{peak_text:>10}{ratio:>9}  {detail}"
            + ("" if ok else "  ← target missed")
        )
    print()
    print("targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
