"""Platform data imports: a mapping reads a platform's export, every row is matched to a
session and checked like a result typed in, and saving writes only the ready rows."""

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import Workbook
from sqlmodel import func, select

from app.errors import FormErrors, NotFound
from app.models.platform_imports import PlatformImport, PlatformMapping
from app.models.teams import LiveSession
from app.schemas.platform_imports import MappingForm
from app.services import platform_imports as import_service
from seeds import platform_imports as seed_module
from seeds.loader import SeedReport
from tests.factories import make_student
from tests.factories_teams import make_live_session, make_project, make_team

NOW = datetime(2025, 11, 20, tzinfo=UTC)
HEADER = ["直播开始时间", "直播结束时间", "成交金额", "成交订单数", "退款订单数", "结算金额"]
HEADER += ["新增粉丝数", "最高在线人数", "累计观看人数", "人均观看时长", "互动次数", "投流消耗"]


def _row(start, end, gmv="1,280.50", orders="20", refunds="1", watch="01:35", viewers="900"):
    return [start, end, gmv, orders, refunds, "1000", "12", "80", viewers, watch, "300", "50"]


def _csv(rows, header=HEADER) -> bytes:
    lines = [",".join(f'"{cell}"' for cell in line) for line in [header, *rows]]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def douyin(session) -> PlatformMapping:
    seed_module.seed_catalogue(session, SeedReport())
    return session.exec(select(PlatformMapping).where(PlatformMapping.platform == "douyin")).one()


@pytest.fixture
def team_sessions(session):
    """A student's team with sessions planned at 20:00 local on 3 and 6 November 2025."""
    student = make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    project = make_project(session, team)
    first = make_live_session(session, team, project, on=date(2025, 11, 3), completed=False)
    second = make_live_session(session, team, project, on=date(2025, 11, 6), completed=False)
    return student, team, first, second


def _upload(session, user, team, mapping, content, filename="export.csv"):
    return import_service.create_import(
        session,
        user=user,
        team_id=team.id,
        mapping_id=mapping.id,
        filename=filename,
        content=content,
    )


def _preview(session, user, team, record, now=NOW):
    return import_service.preview_import(
        session, user=user, team_id=team.id, import_id=record.id, now=now
    )


# --- mappings ---------------------------------------------------------------------------


def test_every_seeded_mapping_reads_its_sample_export(session, douyin, team_sessions):
    student, team, _first, _second = team_sessions
    for row in seed_module.mapping_rows():
        mapping = session.exec(select(PlatformMapping).filter_by(name=row["name"])).one()
        content = (seed_module.SAMPLES_DIR / row["sample"]).read_bytes()
        record = _upload(session, student, team, mapping, content)
        assert record.row_count >= 1
        assert set(record.rows[0]) == set(mapping.columns) | {"line"}


def test_seeding_twice_creates_no_second_mapping(session, douyin):
    seed_module.seed_catalogue(session, SeedReport())
    count = session.exec(select(func.count()).select_from(PlatformMapping)).one()
    assert count == len(seed_module.mapping_rows())


def _mapping_values(**overrides):
    values = {"platform": "douyin", "name": "抖音导出", "watch_time_unit": "clock"}
    values |= {"money_unit": "yuan"}
    names = ["actual_start", "actual_end", "gmv", "orders", "refunds", "income"]
    names += ["new_followers", "peak_viewers", "viewers", "avg_watch_seconds"]
    names += ["interactions", "ad_spend"]
    values |= dict(zip(names, HEADER, strict=True))
    return values | overrides


def test_a_mapping_needs_the_columns_every_result_needs(session):
    with pytest.raises(FormErrors) as refused:
        MappingForm.parse(_mapping_values(gmv="", viewers=""))
    assert set(refused.value.errors) == {"gmv"}  # viewers may stay unmapped


def test_a_mapping_refuses_one_header_for_two_figures(session):
    with pytest.raises(FormErrors) as refused:
        MappingForm.parse(_mapping_values(refunds="成交订单数 "))
    assert "orders" not in refused.value.errors
    assert "already the column" in str(refused.value.errors["refunds"])


def test_a_mapping_name_is_unique(session, douyin):
    form = MappingForm.parse(_mapping_values(name=douyin.name.upper()))
    with pytest.raises(FormErrors) as refused:
        import_service.create_mapping(session, form=form)
    assert set(refused.value.errors) == {"name"}
    form = MappingForm.parse(_mapping_values(viewers=""))
    mapping = import_service.create_mapping(session, form=form)
    assert "viewers" not in mapping.columns and mapping.columns["gmv"] == "成交金额"


# --- reading the file -------------------------------------------------------------------


def test_a_file_missing_columns_of_the_mapping_is_refused_naming_them(
    session, douyin, team_sessions
):
    student, team, _first, _second = team_sessions
    header = [h for h in HEADER if h not in ("成交金额", "退款订单数")]
    with pytest.raises(FormErrors) as refused:
        _upload(session, student, team, douyin, _csv([["2025-11-03 20:00"] * 10], header))
    message = str(refused.value.errors["file"])
    assert "“成交金额”" in message and "“退款订单数”" in message and "直播开始时间" not in message
    assert session.exec(select(func.count()).select_from(PlatformImport)).one() == 0


def test_a_file_without_the_start_column_is_refused_naming_it(session, douyin, team_sessions):
    student, team, _first, _second = team_sessions
    header = ["开播时间", *HEADER[1:]]
    with pytest.raises(FormErrors) as refused:
        _upload(session, student, team, douyin, _csv([["x"] * 12], header))
    assert "“直播开始时间”" in str(refused.value.errors["file"])


@pytest.mark.parametrize(
    ("text", "unit", "seconds"),
    [
        ("01:35", "clock", 95),
        ("1:02:03", "clock", 3723),
        ("1分05秒", "clock", 65),
        ("1小时2分", "clock", 3720),
        ("1:75", "clock", None),
        ("95", "seconds", 95),
        ("65.4", "seconds", 65),
        ("2.5", "minutes", 150),
        ("abc", "seconds", None),
    ],
)
def test_watch_times_are_read_in_the_mappings_unit(text, unit, seconds):
    assert import_service.watch_seconds(text, unit) == seconds


# --- preview and save -------------------------------------------------------------------


def test_bad_rows_are_reported_and_not_saved_while_good_rows_are(session, douyin, team_sessions):
    student, team, first, second = team_sessions
    content = _csv(
        [
            _row("2025-11-03 20:05", "2025-11-03 22:00"),  # good: matches the first session
            _row("2025/11/06 20:00:00", "2025/11/06 21:30:00", orders="3", refunds="5"),
            _row("2025-11-12 20:00", "2025-11-12 21:00"),  # no session that day
            _row("2025-11-06 20:00", "2025-11-06 19:00", gmv="很多", watch="2:99"),
        ]
    )
    record = _upload(session, student, team, douyin, content)
    preview = _preview(session, student, team, record)
    lines = {row.line: row for row in preview.rows}
    assert lines[2].ready and lines[2].live.id == first.id
    assert lines[3].live.id == second.id and set(lines[3].errors) == {"refunds"}
    assert set(lines[4].errors) == {"session"}
    assert {"gmv", "actual_end", "avg_watch_seconds"} <= set(lines[5].errors)

    import_service.save_import(session, user=student, team_id=team.id, import_id=record.id, now=NOW)
    session.refresh(first)
    session.refresh(second)
    assert first.status == "completed"
    assert (first.gmv_fen, first.orders, first.refunds, first.income_fen) == (128050, 20, 1, 100000)
    assert (first.avg_watch_seconds, first.viewers, first.ad_spend_fen) == (95, 900, 5000)
    assert first.actual_minutes == 115
    assert second.status == "planned" and second.orders == 0
    assert session.get(PlatformImport, record.id).saved_count == 1


def test_viewing_the_preview_writes_nothing(session, douyin, team_sessions):
    student, team, first, _second = team_sessions
    record = _upload(
        session, student, team, douyin, _csv([_row("2025-11-03 20:00", "2025-11-03 21:00")])
    )
    for _ in range(2):
        assert _preview(session, student, team, record).ready_rows
    session.refresh(first)
    assert first.status == "planned" and first.actual_start is None
    assert session.get(PlatformImport, record.id).status == "preview"


def test_an_end_in_the_future_and_two_rows_for_one_session_are_refused(
    session, douyin, team_sessions
):
    student, team, _first, _second = team_sessions
    content = _csv(
        [
            _row("2025-11-03 20:00", "2025-11-03 21:00"),
            _row("2025-11-03 20:10", "2025-11-03 21:10"),
            _row("2025-11-06 20:00", "2025-11-06 23:00"),
        ]
    )
    record = _upload(session, student, team, douyin, content)
    during = datetime(2025, 11, 6, 13, tzinfo=UTC)  # 21:00 in Shanghai, before that end
    rows = _preview(session, student, team, record, now=during).rows
    assert rows[0].ready
    assert "Row 2 of the file" in str(rows[1].errors["session"])
    assert "future" in str(rows[2].errors["actual_end"])


def test_a_row_can_be_matched_to_a_session_by_hand(session, douyin, team_sessions):
    student, team, _first, second = team_sessions
    record = _upload(
        session, student, team, douyin, _csv([_row("2025-11-12 20:00", "2025-11-12 21:00")])
    )
    assert not _preview(session, student, team, record).ready_rows
    import_service.choose_sessions(
        session, user=student, team_id=team.id, import_id=record.id, choices={"2": second.id}
    )
    [row] = _preview(session, student, team, record).rows
    assert row.ready and row.live.id == second.id


def test_re_importing_a_session_replaces_its_whole_result(session, douyin, team_sessions):
    student, team, first, _second = team_sessions
    for gmv, viewers in (("1000", "900"), ("2000", "")):
        content = _csv([_row("2025-11-03 20:00", "2025-11-03 21:00", gmv=gmv, viewers=viewers)])
        record = _upload(session, student, team, douyin, content)
        import_service.save_import(
            session, user=student, team_id=team.id, import_id=record.id, now=NOW
        )
    session.refresh(first)
    assert first.gmv_fen == 200000 and first.viewers is None  # the last file, blanks included


def test_an_xlsx_export_saves_the_same_figures_as_a_csv(session, douyin, team_sessions):
    student, team, first, second = team_sessions
    book = Workbook()
    sheet = book.active
    sheet.append(["乡味小铺 直播数据"])  # a title line above the header
    sheet.append(HEADER)
    sheet.append(
        [datetime(2025, 11, 3, 20, 5), datetime(2025, 11, 3, 22), 1280.5, 20, 1, 1000]
        + [12, 80, 900, "01:35", 300, 50]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    record = _upload(session, student, team, douyin, buffer.getvalue(), "export.xlsx")
    csv_record = _upload(
        session, student, team, douyin, _csv([_row("2025-11-06 20:05", "2025-11-06 22:00")])
    )
    for upload in (record, csv_record):
        import_service.save_import(
            session, user=student, team_id=team.id, import_id=upload.id, now=NOW
        )
    session.refresh(first)
    session.refresh(second)
    figures = [
        (s.gmv_fen, s.orders, s.refunds, s.avg_watch_seconds, s.ad_spend_fen, s.actual_minutes)
        for s in (first, second)
    ]
    assert figures[0] == figures[1] == (128050, 20, 1, 95, 5000, 115)


def test_amounts_in_fen_are_read_as_fen(session, douyin, team_sessions):
    student, team, first, _second = team_sessions
    douyin.money_unit = "fen"
    session.add(douyin)
    session.flush()
    record = _upload(
        session,
        student,
        team,
        douyin,
        _csv([_row("2025-11-03 20:00", "2025-11-03 21:00", gmv="128050")]),
    )
    import_service.save_import(session, user=student, team_id=team.id, import_id=record.id, now=NOW)
    session.refresh(first)
    assert first.gmv_fen == 128050 and first.ad_spend_fen == 50


def test_another_teams_student_cannot_reach_an_import(session, douyin, team_sessions):
    student, team, _first, _second = team_sessions
    record = _upload(
        session, student, team, douyin, _csv([_row("2025-11-03 20:00", "2025-11-03 21:00")])
    )
    outsider = make_student(session)
    make_team(session, members=[(outsider, "anchor")])
    with pytest.raises(NotFound):
        _preview(session, outsider, team, record)
    with pytest.raises(NotFound):
        import_service.save_import(session, user=outsider, team_id=team.id, import_id=record.id)
    with pytest.raises(NotFound):
        _upload(
            session, outsider, team, douyin, _csv([_row("2025-11-03 20:00", "2025-11-03 21:00")])
        )
    assert session.exec(select(LiveSession).where(LiveSession.status == "completed")).all() == []
