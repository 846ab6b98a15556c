"""XLSX exports of a round's scores, by judge and by entry (through the export kit, so a
title "=HYPERLINK(...)" stays text); awards are shown by their labels."""

from app.exports.kit import label, xlsx_bytes
from app.i18n import gettext as _
from app.i18n import locale_active
from app.services import contests as contest_service
from app.services.judging import Ranking


def _number(value):
    return None if value is None else float(value)


def _criterion_name(criterion, locale: str) -> str:
    return criterion.name_en if locale == "en" and criterion.name_en else criterion.name_zh


def by_judge_xlsx(view: Ranking, locale: str) -> bytes:
    """One row per judge and entry: each criterion's score, the total and the note."""
    with locale_active(locale):
        return _by_judge(view, locale)


def _by_judge(view: Ranking, locale: str) -> bytes:
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
    return xlsx_bytes([(_("Scores by judge"), header, rows)])


def by_entry_xlsx(view: Ranking, locale: str) -> bytes:
    """One row per entry: rank, aggregate, judges scored, spread, criterion means, award."""
    with locale_active(locale):
        return _by_entry(view, locale)


def _by_entry(view: Ranking, locale: str) -> bytes:
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
            label(contest_service.AWARD_LABELS, row.entry.award),
        ]
        for row in view.rows
    ]
    return xlsx_bytes([(_("Scores by entry"), header, rows)])
