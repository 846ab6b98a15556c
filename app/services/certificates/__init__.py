"""Certificates: what routers and other domains use, re-exported."""

from .awards import (
    SOURCE_LABELS,
    STATUS_LABELS,
    AwardView,
    award_view,
    awards_of,
    issue_award,
    issue_by_hand,
    list_awards,
    revoke_award,
    verify_code,
)
from .eligibility import check_eligibility, type_choices
from .exams import (
    add_candidate,
    add_criterion,
    add_examiner,
    create_exam,
    exam_view,
    examiner_choices,
    finalise_exam,
    list_exams,
    own_candidate,
    save_exam_scores,
)
from .imports import ImportRejected, commit_import, create_import, get_preview

__all__ = [
    "AwardView",
    "ImportRejected",
    "SOURCE_LABELS",
    "STATUS_LABELS",
    "add_candidate",
    "add_criterion",
    "add_examiner",
    "award_view",
    "awards_of",
    "check_eligibility",
    "commit_import",
    "create_exam",
    "create_import",
    "exam_view",
    "examiner_choices",
    "finalise_exam",
    "get_preview",
    "issue_award",
    "issue_by_hand",
    "list_awards",
    "list_exams",
    "own_candidate",
    "revoke_award",
    "save_exam_scores",
    "type_choices",
    "verify_code",
]
