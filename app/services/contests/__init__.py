"""Contests: what routers and other domains use, re-exported."""

from .awards import award_facts
from .editions import (
    ADVISOR_LABELS,
    AWARD_LABELS,
    ROUND_LEVEL_LABELS,
    add_round,
    add_track,
    competition_choices,
    create_edition,
    edition_view,
    list_editions,
)
from .entries import (
    active_members,
    advance_entry,
    advanced_count,
    advisor_choices,
    entry_detail,
    register_entry,
    team_choices,
    update_entry,
    withdraw_entry,
)
from .external import (
    MAX_EVIDENCE_BYTES,
    delete_external,
    evidence,
    list_external,
    may_delete,
    record_external,
    student_choices,
)

__all__ = [
    "ADVISOR_LABELS",
    "AWARD_LABELS",
    "MAX_EVIDENCE_BYTES",
    "ROUND_LEVEL_LABELS",
    "active_members",
    "add_round",
    "add_track",
    "advance_entry",
    "advanced_count",
    "advisor_choices",
    "award_facts",
    "competition_choices",
    "create_edition",
    "delete_external",
    "edition_view",
    "entry_detail",
    "evidence",
    "list_editions",
    "list_external",
    "may_delete",
    "record_external",
    "register_entry",
    "student_choices",
    "team_choices",
    "update_entry",
    "withdraw_entry",
]
