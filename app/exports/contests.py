"""XLSX exports of a round's scores, by judge and by entry. User text is neutralised so a
spreadsheet never runs it as a formula (a title "=HYPERLINK(...)" stays text)."""

from io import BytesIO

from app.i18n import gettext as _
from app.services.judging import Ranking

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet would take as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _number(value):
    return None if value is None else float(value)


def _book(title: str, header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([neutralise(c) for c in header])
    for row in rows:
        sheet.append([neutralise(c) for c in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    sheet.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _criterion_name(criterion, locale: str) -> str:
    return criterion.name_en if locale == "en" and criterion.name_en else criterion.name_zh


def by_judge_xlsx(view: Ranking, locale: str) -> bytes:
    """One row per judge and entry: each criterion's score, the total and the note."""
    names = [_criterion_name(c, locale) for c in view.criteria]
    header = [_("Judge"), _("Team"), _("Project title"), *names, _("Total"), _("Note")]
    rows = []
    lines = sorted(
        ((j, r) for r in view.rows for j in r.judges),
        key=lambda pair: (pair[0].judge.full_name, pair[1].team.name),
    )
    for line, row in lines:
        sheet = view.sheets.get(line.assignment.id, {})
        rows.append(
            [
                line.judge.full_name,
                row.team.name,
                row.entry.title,
                *[_number(sheet.get(c.id)) for c in view.criteria],
                _number(line.total),
                _("Recused: %(reason)s", reason=line.assignment.recusal_reason)
                if line.assignment.recused_at
                else line.assignment.note,
            ]
        )
    return _book(_("Scores by judge"), header, rows)


def by_entry_xlsx(view: Ranking, locale: str) -> bytes:
    """One row per entry: rank, aggregate, judges scored, spread, criterion means, award."""
    names = [_criterion_name(c, locale) for c in view.criteria]
    header = [
        _("Rank"),
        _("Team"),
        _("Project title"),
        _("Score"),
        _("Judges scored"),
        _("Spread"),
        *names,
        _("Award"),
    ]
    rows = [
        [
            row.rank,
            row.team.name,
            row.entry.title,
            _number(row.score),
            row.complete_judges,
            _number(row.spread),
            *[_number(row.criterion_means.get(c.id)) for c in view.criteria],
            row.entry.award or "",
        ]
        for row in view.rows
    ]
    return _book(_("Scores by entry"), header, rows)
