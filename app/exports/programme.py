"""A training programme version as an XLSX workbook and as a printable PDF.

Both carry bilingual (Chinese / English) headings whatever the reader's language, as a
college files the document. The PDF uses Noto Sans CJK SC (Debian's fonts-noto-cjk).
"""

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.services.curriculum import KIND_LABELS, VersionView

SHEET_PLAN = "培养方案 Programme"
SHEET_TOTALS = "学期汇总 Semester totals"
KIND_BILINGUAL = {"platform": "平台课 Platform", "module_directed": "模块课 Module-directed"}
PLAN_HEADINGS = (
    "学期 Semester",
    "课程代码 Code",
    "课程名称 Title",
    "英文名称 English title",
    "课程类型 Kind",
    "学分 Credits",
    "理论学时 Theory hours",
    "实践学时 Practice hours",
    "总学时 Total hours",
)
TOTAL_HEADINGS = (
    "学期 Semester",
    "课程数 Courses",
    "学分 Credits",
    "理论学时 Theory hours",
    "实践学时 Practice hours",
    "总学时 Total hours",
)
TOTAL_LABEL = "合计 Total"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Neutralise text a spreadsheet would read as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def title(view: VersionView) -> str:
    p = view.programme
    return f"{p.major} {p.intake_year}级 人才培养方案 (v{view.version.number})"


def filename(view: VersionView, extension: str) -> str:
    p = view.programme
    return f"{p.major}-{p.intake_year}-v{view.version.number}.{extension}"


def _style_header(sheet, row: int, width: int) -> None:
    fill = PatternFill("solid", fgColor="F0F2F6")
    for col in range(1, width + 1):
        cell = sheet.cell(row=row, column=col)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def programme_xlsx(view: VersionView) -> bytes:
    """Two sheets: the courses by semester with a total row, and the per-semester totals."""
    book = Workbook()
    plan = book.active
    plan.title = SHEET_PLAN
    plan.append([safe_text(title(view))])
    plan["A1"].font = Font(bold=True, size=14)
    plan.append(list(PLAN_HEADINGS))
    _style_header(plan, 2, len(PLAN_HEADINGS))
    for placed in view.courses:
        c = placed.course
        plan.append(
            [
                placed.placement.semester,
                safe_text(c.code),
                safe_text(c.title_zh),
                safe_text(c.title_en),
                KIND_BILINGUAL.get(c.kind, c.kind),
                _number(placed.credits),
                placed.theory_hours,
                placed.practice_hours,
                placed.hours,
            ]
        )
    t = view.totals
    plan.append(
        [TOTAL_LABEL, "", "", "", "", _number(t.credits), t.theory_hours, t.practice_hours, t.hours]
    )
    for cell in plan[plan.max_row]:
        cell.font = Font(bold=True)
    for col, width in enumerate((14, 14, 30, 40, 22, 10, 14, 14, 14), start=1):
        plan.column_dimensions[get_column_letter(col)].width = width
    plan.freeze_panes = "A3"

    totals = book.create_sheet(SHEET_TOTALS)
    totals.append(list(TOTAL_HEADINGS))
    _style_header(totals, 1, len(TOTAL_HEADINGS))
    for semester in view.semesters:
        s = semester.totals
        totals.append(
            [
                semester.number,
                s.courses,
                _number(s.credits),
                s.theory_hours,
                s.practice_hours,
                s.hours,
            ]
        )
    totals.append(
        [TOTAL_LABEL, t.courses, _number(t.credits), t.theory_hours, t.practice_hours, t.hours]
    )
    for cell in totals[totals.max_row]:
        cell.font = Font(bold=True)
    for col in range(1, len(TOTAL_HEADINGS) + 1):
        totals.column_dimensions[get_column_letter(col)].width = 18
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def programme_pdf(view: VersionView) -> bytes:
    """An A4 document a college could print: courses by semester, totals, bilingual."""
    from weasyprint import HTML

    from app.web import env

    html = env.get_template("programmes/print.html").render(
        view=view,
        title=title(view),
        plan_headings=PLAN_HEADINGS,
        total_headings=TOTAL_HEADINGS,
        total_label=TOTAL_LABEL,
        kinds=KIND_BILINGUAL,
        kind_labels=KIND_LABELS,
    )
    return HTML(string=html).write_pdf()
