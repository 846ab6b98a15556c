"""The evaluation as CSV (UTF-8 with BOM), XLSX (seven sheets) and a PDF report.

Headings are bilingual (Chinese / English) whatever the reader's language, as a college
files the document, so the same evaluation always gives the same content; codes (outcome,
scaling, levels, awards) are shown by their bilingual labels. User text (names, team
names, organisations) is guarded by the export kit. A ``progress`` callback, when given,
receives a fraction from 0 to 1 now and then.
"""

from datetime import datetime
from decimal import Decimal

from app.exports.kit import Book, Progress, bilingual, csv_bytes, pdf_bytes
from app.services import evaluation as evaluation_service
from app.services.evaluation import (
    AWARDS,
    DIMENSIONS,
    LEVELS,
    OUTCOMES,
    Evaluation,
    StudentScore,
    describe,
    method,
)
from app.services.evaluation import scheme as scheme_labels

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
    "去向积分 Outcome points",
    "影响力（封顶前） Reach before its cap",
    DIMENSION_NAMES["influence"],
    DIMENSION_NAMES["total"],
    "班级排名 Rank in cohort",
    "方案版本 Scheme version",
    "期间 Period",
)
SCHEME_NAMES = {
    "weight": "权重 Weight",
    "competition_cap": "竞赛积分上限 Competition cap",
    "points": "奖项积分 Award points",
    "income_mode": "收入计分方式 Income scaling",
    "income_thresholds": "收入阈值 Income thresholds",
    "outcome": "去向积分 Outcome points",
    "follower_factor": "粉丝系数 Points per tenfold of followers",
    "growth_factor": "粉丝增长系数 Points per tenfold of follower growth",
    "influence_cap": "影响力上限 Most points from influence",
    "award_stacking": "多项成绩 Several results",
    "percentile_base": "百分位基数 Percentile among",
    "outcome_dates": "去向日期 Outcomes counted",
}
_CODE_LABELS = {
    "weight": scheme_labels.DIMENSION_LABELS,
    "points": scheme_labels.LEVEL_LABELS,
    "outcome": scheme_labels.OUTCOME_LABELS,
}


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def title(result: Evaluation) -> str:
    return f"三维创业评价 Entrepreneurship evaluation {result.period.label}"


def filename(result: Evaluation, extension: str) -> str:
    start, end = result.period.start.isoformat(), result.period.end.isoformat()
    return f"evaluation-{start}-{end}-v{result.scheme_version}.{extension}"


def scheme_lines(result: Evaluation) -> list[tuple[str, str]]:
    """The scheme, line by line, with bilingual names: never a parameter's code."""
    awards = " / ".join(bilingual(scheme_labels.AWARD_LABELS[a]) for a in AWARDS)
    lines = [
        ("方案版本 Scheme version", str(result.scheme_version)),
        ("奖项顺序 Award order", awards),
    ]
    for key, value in describe(result.params):
        kind, _dot, code = key.partition(".")
        name = SCHEME_NAMES[kind]
        if code:
            name += " · " + bilingual(_CODE_LABELS[kind][code])
        if kind == "income_mode":
            value = MODE_NAMES.get(value, value)
        elif kind in scheme_labels.CHOICES:
            value = bilingual(scheme_labels.CHOICES[kind][value])
        lines.append((name, value))
    return lines


def _labels(result: Evaluation) -> dict[int, str]:
    return {c.cohort_id: c.label for c in result.cohorts}


def student_row(result: Evaluation, s: StudentScore, cohort: str) -> list:
    return [
        cohort,
        s.student_number,
        s.full_name,
        s.teams,
        s.awards,
        s.participations,
        s.award_points,
        s.competition,
        s.sessions,
        yuan(s.income_fen),
        s.income,
        OUTCOME_NAMES.get(s.outcome, s.outcome),
        s.organisation,
        s.followers,
        s.growth,
        s.outcome_points,
        s.reach,
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
    labels = _labels(result)
    total = len(result.students)

    def rows():
        for done, student in enumerate(result.students, start=1):
            yield student_row(result, student, labels.get(student.cohort_id, ""))
            _tick(progress, done, total)

    return csv_bytes(STUDENT_HEADINGS, rows())


# --- XLSX ------------------------------------------------------------------------------


def _number(value):
    """Decimals as numbers Excel shows as written (two places)."""
    return float(value) if isinstance(value, Decimal) else value


SUMMARY_HEADINGS = (
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
NAMES = ("班级 Cohort", "学号 Student number", "姓名 Name")


def _cohort_row(c) -> list:
    share = c.self_employed_share
    return [
        c.label,
        c.students,
        *(_number(c.means[k]) for k in (*DIMENSIONS, "total")),
        c.awards,
        c.participations,
        c.sessions,
        _number(yuan(c.income_fen)),
        c.outcomes_recorded,
        c.self_employed,
        _number(share) if share is not None else "",
    ]


def evaluation_xlsx(
    result: Evaluation, progress: Progress = None, *, created: datetime | None = None
) -> bytes:
    """Sheets: summary, students, teams, competitions, income, outcomes, scheme (streamed,
    so memory stays flat however many students)."""
    book = Book(created=created)
    labels = _labels(result)
    summary = book.sheet("汇总 Summary", ("项目 Item", "值 Value"), widths=(34, 60))
    summary.append([title(result)])
    summary.append(["方案版本 Scheme version", result.scheme_version])
    summary.append(["期间 Period", result.period.label])
    summary.append([])
    summary.append(SUMMARY_HEADINGS, "bold")
    for c in result.cohorts:
        summary.append(_cohort_row(c))
    students = book.sheet(
        "学生 Students",
        (
            *NAMES,
            "团队 Teams",
            *(DIMENSION_NAMES[k] for k in (*DIMENSIONS, "total")),
            "班级排名 Rank in cohort",
        ),
        widths=(30, 16, 12, 30, 14, 14, 14, 12, 10),
    )
    teams = book.sheet(
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
        widths=(8, 30, 10, 12, 16, 12, 14, 18),
    )
    for t in result.teams:
        teams.append(
            [
                t.rank,
                t.name,
                t.members,
                t.sessions,
                _number(yuan(t.income_fen)),
                t.followers,
                t.growth,
                _number(t.mean_total),
            ]
        )
    competitions = book.sheet(
        "竞赛 Competitions",
        (
            *NAMES,
            "获奖 Awards",
            "参赛 Participations",
            "竞赛积分 Award points",
            "上限 Cap",
            DIMENSION_NAMES["competition"],
        ),
    )
    income = book.sheet(
        "收入 Income",
        (
            *NAMES,
            "直播场次 Sessions",
            "收入(元) Income (yuan)",
            "计分方式 Scaling",
            DIMENSION_NAMES["income"],
        ),
    )
    outcomes = book.sheet(
        "去向 Outcomes",
        (
            *NAMES,
            "毕业去向 Outcome",
            "单位 Organisation",
            "粉丝 Followers",
            "粉丝增长 Follower growth",
            "去向积分 Outcome points",
            "影响力（封顶前） Reach before its cap",
            DIMENSION_NAMES["influence"],
        ),
    )
    cap = result.params["competition_cap"]
    mode = MODE_NAMES.get(result.params["income_mode"], result.params["income_mode"])
    total = max(1, len(result.students))
    for done, s in enumerate(result.students, start=1):
        names = (labels.get(s.cohort_id, ""), s.student_number, s.full_name)
        dimensions = (_number(s.dimension(d)) for d in (*DIMENSIONS, "total"))
        students.append([*names, s.teams, *dimensions, s.rank])
        competitions.append(
            [*names, s.awards, s.participations, s.award_points, cap, _number(s.competition)]
        )
        income.append([*names, s.sessions, _number(yuan(s.income_fen)), mode, _number(s.income)])
        outcomes.append(
            [
                *names,
                OUTCOME_NAMES.get(s.outcome, s.outcome),
                s.organisation,
                s.followers,
                s.growth,
                s.outcome_points,
                _number(s.reach),
                _number(s.influence),
            ]
        )
        _tick(progress, done, total, 0.85)
    scheme = book.sheet("方案 Scheme", ("参数 Parameter", "值 Value"), widths=(34, 60))
    for line in scheme_lines(result):
        scheme.append(line)
    content = book.to_bytes()
    if progress is not None:
        progress(1.0)
    return content


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
        "scheme_lines": scheme_lines(result),
        "method_rules": method.bilingual_rules(result.params),
        "yuan": yuan,
    }


def evaluation_pdf(
    result: Evaluation, progress: Progress = None, *, student_limit: int = PDF_STUDENT_LIMIT
) -> bytes:
    """A report for the dean: cover, charts, cohort and team tables, the students."""
    context = report_context(result, student_limit=student_limit)
    return pdf_bytes("evaluation/report.html", context, progress=progress)


def evaluation_file(result: Evaluation, file_format: str, progress: Progress = None) -> bytes:
    """The evaluation in one of ``MEDIA_TYPES``' formats (an export job's file)."""
    if file_format == "csv":
        return evaluation_csv(result, progress)
    if file_format == "xlsx":
        return evaluation_xlsx(result, progress)
    return evaluation_pdf(result, progress)
