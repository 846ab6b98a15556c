"""A training programme version as an XLSX workbook and as a printable PDF.

Both carry bilingual (Chinese / English) headings whatever the reader's language, as a
college files the document. The PDF uses Noto Sans CJK SC (Debian's fonts-noto-cjk).
A draft version is marked so that nobody files it by mistake: "草案 Draft" in the title,
the XLSX title row and sheet names, and a 草案 watermark on every PDF page. A published
version carries no such mark.
"""

from decimal import Decimal

from app.exports.kit import Book, pdf_bytes
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
DRAFT_MARK = "草案 Draft"


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def is_draft(view: VersionView) -> bool:
    return not view.version.is_published


def marked(view: VersionView, text: str) -> str:
    """The text with the draft mark in front, for a draft; as it is for a published version."""
    return f"{DRAFT_MARK} {text}" if is_draft(view) else text


def title(view: VersionView) -> str:
    p = view.programme
    return marked(view, f"{p.major} {p.intake_year}级 人才培养方案 (v{view.version.number})")


def filename(view: VersionView, extension: str) -> str:
    p = view.programme
    draft = "-draft" if is_draft(view) else ""
    return f"{p.major}-{p.intake_year}-v{view.version.number}{draft}.{extension}"


def programme_xlsx(view: VersionView) -> bytes:
    """Two sheets: the courses by semester with a total row, and the per-semester totals."""
    book = Book()
    plan = book.sheet(
        marked(view, SHEET_PLAN),
        [title(view)],
        widths=(14, 14, 30, 40, 22, 10, 14, 14, 14),
        freeze="A3",
        style="title",
    )
    plan.append(PLAN_HEADINGS, "heading")
    for placed in view.courses:
        c = placed.course
        plan.append(
            [
                placed.placement.semester,
                c.code,
                c.title_zh,
                c.title_en,
                KIND_BILINGUAL.get(c.kind, c.kind),
                _number(placed.credits),
                placed.theory_hours,
                placed.practice_hours,
                placed.hours,
            ]
        )
    t = view.totals
    plan.append(
        [
            TOTAL_LABEL,
            "",
            "",
            "",
            "",
            _number(t.credits),
            t.theory_hours,
            t.practice_hours,
            t.hours,
        ],
        "bold",
    )
    totals = book.sheet(
        marked(view, SHEET_TOTALS),
        TOTAL_HEADINGS,
        widths=[18] * len(TOTAL_HEADINGS),
        style="heading",
    )
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
        [TOTAL_LABEL, t.courses, _number(t.credits), t.theory_hours, t.practice_hours, t.hours],
        "bold",
    )
    return book.to_bytes()


def programme_pdf(view: VersionView) -> bytes:
    """An A4 document a college could print: courses by semester, totals, bilingual."""
    context = {
        "view": view,
        "title": title(view),
        "draft_mark": DRAFT_MARK if is_draft(view) else "",
        "plan_headings": PLAN_HEADINGS,
        "total_headings": TOTAL_HEADINGS,
        "total_label": TOTAL_LABEL,
        "kinds": KIND_BILINGUAL,
        "kind_labels": KIND_LABELS,
    }
    return pdf_bytes("programmes/print.html", context)
