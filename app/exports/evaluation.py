"""The evaluation as CSV (UTF-8 with BOM), XLSX (seven sheets) and a PDF report.

Headings are bilingual (Chinese / English) whatever the reader's language, as a college
files the document, so the same evaluation always gives the same content. Every cell of
user text (names, team names, organisations) goes through ``neutralise``. A ``progress``
callback, when given, receives a fraction from 0 to 1 now and then.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from app.exports import neutralise
from app.services import evaluation as evaluation_service
from app.services.evaluation import (
    AWARDS,
    DIMENSIONS,
    LEVELS,
    OUTCOMES,
    Evaluation,
    StudentScore,
    describe,
)

Progress = Callable[[float], None] | None

OUTCOME_NAMES = {
    "self_employed": "自主创业 Self-employed",
    "employed_trade": "行业内就业 Employed in the trade",
    "employed_other": "其他行业就业 Employed elsewhere",
    "further_study": "升学 Further study",
    "other": "其他 Other",
    "": "",
}
MODE_NAMES = {"percentile": "班级百分位 Percentile", "thresholds": "阈值 Thresholds"}
DIMENSION_NAMES = {
    "competition": "维度一 竞赛 Competitions",
    "income": "维度二 收入 Income",
    "influence": "维度三 创业与影响力 Influence",
    "total": "总分 Total",
}
STUDENT_HEADINGS = (
    "班级 Cohort",
    "学号 Student number",
    "姓名 Name",
    "团队 Teams",
    "获奖 Awards",
    "参赛 Participations",
    "竞赛积分 Award points",
    DIMENSION_NAMES["competition"],
    "直播场次 Sessions",
    "收入(元) Income (yuan)",
    DIMENSION_NAMES["income"],
    "毕业去向 Outcome",
    "单位 Organisation",
    "粉丝 Followers",
    "粉丝增长 Follower growth",
    DIMENSION_NAMES["influence"],
    DIMENSION_NAMES["total"],
    "班级排名 Rank in cohort",
    "方案版本 Scheme version",
    "期间 Period",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def text(value: str) -> str:
    """User text for a cell: control characters removed, formulas neutralised."""
    return neutralise(_CONTROL.sub("", value or ""))


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def title(result: Evaluation) -> str:
    return f"三维创业评价 Entrepreneurship evaluation {result.period.label}"


def filename(result: Evaluation, extension: str) -> str:
    start, end = result.period.start.isoformat(), result.period.end.isoformat()
    return f"evaluation-{start}-{end}-v{result.scheme_version}.{extension}"


def _labels(result: Evaluation) -> dict[int, str]:
    return {c.cohort_id: c.label for c in result.cohorts}


def student_row(result: Evaluation, s: StudentScore, cohort: str) -> list:
    return [
        text(cohort),
        text(s.student_number),
        text(s.full_name),
        text(s.teams),
        s.awards,
        s.participations,
        s.award_points,
        s.competition,
        s.sessions,
        yuan(s.income_fen),
        s.income,
        OUTCOME_NAMES.get(s.outcome, s.outcome),
        text(s.organisation),
        s.followers,
        s.growth,
        s.influence,
        s.total,
        s.rank,
        result.scheme_version,
        result.period.label,
    ]


def _tick(progress: Progress, done: int, total: int, share: float = 1.0, base: float = 0.0):
    if progress is not None and total and (done % 500 == 0 or done == total):
        progress(base + share * done / total)


def evaluation_csv(result: Evaluation, progress: Progress = None) -> bytes:
    """One row per student with every input and score; UTF-8 with a BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(STUDENT_HEADINGS)
    labels = _labels(result)
    total = len(result.students)
    for done, student in enumerate(result.students, start=1):
        writer.writerow(student_row(result, student, labels.get(student.cohort_id, "")))
        _tick(progress, done, total)
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX ------------------------------------------------------------------------------


def _number(value):
    """Decimals as numbers Excel shows as written (two places)."""
    return float(value) if isinstance(value, Decimal) else value


def _rows(rows: Iterable[list]) -> Iterator[list]:
    for row in rows:
        yield [_number(v) for v in row]


def evaluation_xlsx(
    result: Evaluation, progress: Progress = None, *, created: datetime | None = None
) -> bytes:
    """Sheets: summary, students, teams, competitions, income, outcomes, scheme (streamed
    with openpyxl's write-only mode, so memory stays flat however many students)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    if created is not None:
        book.properties.created = created
        book.properties.modified = created
    bold = Font(bold=True)

    def sheet(name: str, headings: Iterable[str], widths: Iterable[int] = ()):
        ws = book.create_sheet(name)
        for index, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + index)].width = width
        cells = []
        for heading in headings:
            cell = WriteOnlyCell(ws, value=heading)
            cell.font = bold
            cells.append(cell)
        ws.append(cells)
        return ws

    labels = _labels(result)
    summary = sheet("汇总 Summary", ("项目 Item", "值 Value"), (34, 60))
    summary.append([title(result)])
    summary.append(["方案版本 Scheme version", result.scheme_version])
    summary.append(["期间 Period", result.period.label])
    summary.append([])
    headings = (
        "班级 Cohort",
        "人数 Students",
        *(f"平均 Mean {DIMENSION_NAMES[k]}" for k in (*DIMENSIONS, "total")),
        "获奖 Awards",
        "参赛 Participations",
        "直播场次 Sessions",
        "收入(元) Income (yuan)",
        "已登记去向 Outcomes recorded",
        "自主创业 Self-employed",
        "自主创业比例(%) Self-employed share",
    )
    summary.append([WriteOnlyCell(summary, value=h) for h in headings])
    for c in result.cohorts:
        share = c.self_employed_share
        summary.append(
            list(
                _rows(
                    [
                        [
                            text(c.label),
                            c.students,
                            *(c.means[k] for k in (*DIMENSIONS, "total")),
                            c.awards,
                            c.participations,
                            c.sessions,
                            yuan(c.income_fen),
                            c.outcomes_recorded,
                            c.self_employed,
                            share if share is not None else "",
                        ]
                    ]
                )
            )[0]
        )
    total = max(1, len(result.students))
    students = sheet(
        "学生 Students",
        (
            "班级 Cohort",
            "学号 Student number",
            "姓名 Name",
            "团队 Teams",
            *(DIMENSION_NAMES[k] for k in (*DIMENSIONS, "total")),
            "班级排名 Rank in cohort",
        ),
        (30, 16, 12, 30, 14, 14, 14, 12, 10),
    )
    teams = sheet(
        "团队 Teams",
        (
            "排名 Rank",
            "团队 Team",
            "成员 Members",
            "直播场次 Sessions",
            "收入(元) Income (yuan)",
            "粉丝 Followers",
            "粉丝增长 Follower growth",
            "成员平均总分 Members' mean total",
        ),
        (8, 30, 10, 12, 16, 12, 14, 18),
    )
    for t in result.teams:
        teams.append(
            [
                t.rank,
                text(t.name),
                t.members,
                t.sessions,
                float(yuan(t.income_fen)),
                t.followers,
                t.growth,
                float(t.mean_total),
            ]
        )
    competitions = sheet(
        "竞赛 Competitions",
        (
            "班级 Cohort",
            "学号 Student number",
            "姓名 Name",
            "获奖 Awards",
            "参赛 Participations",
            "竞赛积分 Award points",
            "上限 Cap",
            DIMENSION_NAMES["competition"],
        ),
    )
    income = sheet(
        "收入 Income",
        (
            "班级 Cohort",
            "学号 Student number",
            "姓名 Name",
            "直播场次 Sessions",
            "收入(元) Income (yuan)",
            "计分方式 Scaling",
            DIMENSION_NAMES["income"],
        ),
    )
    outcomes = sheet(
        "去向 Outcomes",
        (
            "班级 Cohort",
            "学号 Student number",
            "姓名 Name",
            "毕业去向 Outcome",
            "单位 Organisation",
            "粉丝 Followers",
            "粉丝增长 Follower growth",
            DIMENSION_NAMES["influence"],
        ),
    )
    cap = result.params["competition_cap"]
    mode = MODE_NAMES.get(result.params["income_mode"], result.params["income_mode"])
    for done, s in enumerate(result.students, start=1):
        cohort, number, name = (
            text(labels.get(s.cohort_id, "")),
            text(s.student_number),
            text(s.full_name),
        )
        students.append(
            [
                cohort,
                number,
                name,
                text(s.teams),
                float(s.competition),
                float(s.income),
                float(s.influence),
                float(s.total),
                s.rank,
            ]
        )
        competitions.append(
            [
                cohort,
                number,
                name,
                s.awards,
                s.participations,
                s.award_points,
                cap,
                float(s.competition),
            ]
        )
        income.append(
            [cohort, number, name, s.sessions, float(yuan(s.income_fen)), mode, float(s.income)]
        )
        outcomes.append(
            [
                cohort,
                number,
                name,
                OUTCOME_NAMES.get(s.outcome, s.outcome),
                text(s.organisation),
                s.followers,
                s.growth,
                float(s.influence),
            ]
        )
        _tick(progress, done, total, 0.85)
    scheme = sheet("方案 Scheme", ("参数 Parameter", "值 Value"), (34, 60))
    scheme.append(["方案版本 Scheme version", result.scheme_version])
    scheme.append(["奖项顺序 Award order", " / ".join(AWARDS)])
    for key, value in describe(result.params):
        scheme.append([key, value])
    buffer = io.BytesIO()
    book.save(buffer)
    if progress is not None:
        progress(1.0)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------

PDF_STUDENT_LIMIT = 1000


def report_context(result: Evaluation, *, student_limit: int = PDF_STUDENT_LIMIT) -> dict:
    labels = _labels(result)
    students = sorted(result.students, key=lambda s: (-s.total, s.student_number))
    return {
        "result": result,
        "title": title(result),
        "labels": labels,
        "dimension_names": DIMENSION_NAMES,
        "outcome_names": OUTCOME_NAMES,
        "mode_names": MODE_NAMES,
        "levels": LEVELS,
        "awards": AWARDS,
        "outcomes": OUTCOMES,
        "dimensions": DIMENSIONS,
        "histograms": [
            evaluation_service.histogram(d, [s.dimension(d) for s in result.students])
            for d in (*DIMENSIONS, "total")
        ],
        "comparison": evaluation_service.comparison([(c.label, c.means) for c in result.cohorts]),
        "radar": evaluation_service.radar(
            [(str(i), c.means) for i, c in enumerate(result.cohorts[:6])]
        ),
        "students": students[:student_limit],
        "student_count": len(students),
        "teams": result.teams[:30],
        "scheme_lines": describe(result.params),
        "yuan": yuan,
    }


def evaluation_pdf(
    result: Evaluation, progress: Progress = None, *, student_limit: int = PDF_STUDENT_LIMIT
) -> bytes:
    """A report for the dean: cover, charts, cohort and team tables, the students."""
    from weasyprint import HTML

    from app.web import env

    html = env.get_template("evaluation/report.html").render(
        report_context(result, student_limit=student_limit)
    )
    if progress is not None:
        progress(0.3)
    document = HTML(string=html).render()
    if progress is not None:
        progress(0.9)
    return document.write_pdf()
