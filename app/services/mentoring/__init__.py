"""Mentoring: what routers and other domains use, re-exported."""

from .guidance import (
    MODES,
    acknowledge_log,
    create_log,
    delete_log,
    log_detail,
    log_form,
    own_pairing,
    set_action_done,
    skill_choices,
    update_log,
)
from .log_changes import FIELD_LABELS as CHANGE_LABELS
from .overview import my_pairings_overview, student_overview
from .pairing_page import pairing_page
from .pairings import (
    create_enterprise_pairing,
    create_pairing,
    end_pairing,
    list_enterprise_pairings,
    list_pairings,
    people_choices,
    practice_summary,
    recent_practice,
    record_practice,
)
from .report import MAX_WEEKS, GuidanceReport, guidance_report, kept_guidance_report
from .team_guidance import team_logs, team_pairings

__all__ = [
    "CHANGE_LABELS",
    "GuidanceReport",
    "MAX_WEEKS",
    "MODES",
    "acknowledge_log",
    "create_enterprise_pairing",
    "create_log",
    "create_pairing",
    "delete_log",
    "end_pairing",
    "guidance_report",
    "kept_guidance_report",
    "list_enterprise_pairings",
    "list_pairings",
    "log_detail",
    "log_form",
    "my_pairings_overview",
    "own_pairing",
    "pairing_page",
    "people_choices",
    "practice_summary",
    "recent_practice",
    "record_practice",
    "set_action_done",
    "skill_choices",
    "student_overview",
    "team_logs",
    "team_pairings",
    "update_log",
]
