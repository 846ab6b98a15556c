"""The guidance report as XLSX: hours per mentor, per team and per month, and the teams
with no recent guidance; headings and labels in the reader's language."""

from app.exports.kit import label, xlsx_bytes
from app.i18n import gettext as _
from app.services import teams as team_service
from app.services.mentoring import GuidanceReport


def hours(minutes: int) -> float:
    return round(minutes / 60, 2)


def report_xlsx(report: GuidanceReport) -> bytes:
    """Four sheets; a team's pipeline stage is shown by its label, never its code."""
    stage = team_service.STAGE_LABELS
    return xlsx_bytes(
        [
            (
                _("By mentor"),
                [_("Name"), _("Username"), _("Hours"), _("Sessions")],
                [(p.full_name, p.username, hours(m), n) for p, m, n in report.by_author],
            ),
            (
                _("By team"),
                [_("Team"), _("Stage"), _("Hours"), _("Sessions")],
                [(t.name, label(stage, t.stage), hours(m), n) for t, m, n in report.by_team],
            ),
            (
                _("By month"),
                [_("Month"), _("Hours"), _("Sessions")],
                [(f"{y}-{m:02d}", hours(minutes), n) for y, m, minutes, n in report.by_month],
            ),
            (
                _("No recent guidance"),
                [_("Team"), _("Stage"), _("Last guidance"), _("Active pairing")],
                [
                    (t.name, label(stage, t.stage), last, _("Yes") if paired else _("No"))
                    for t, last, paired in report.quiet_teams
                ],
            ),
        ]
    )
