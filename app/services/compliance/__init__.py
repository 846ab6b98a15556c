"""广告法 compliance of live scripts: rules from the database, the checker, sign-offs and
the ready gate."""

from .checker import Hit, check_text, hit_key, split_sentences
from .rules import active_rules
from .scripts import (
    Counts,
    ScriptReview,
    hit_counts,
    mark_ready,
    review_live,
    save_script,
    script_review,
    session_summary,
    sign_off,
    unmark_ready,
)

__all__ = [
    "Counts",
    "Hit",
    "ScriptReview",
    "active_rules",
    "check_text",
    "hit_counts",
    "hit_key",
    "mark_ready",
    "review_live",
    "save_script",
    "script_review",
    "session_summary",
    "sign_off",
    "split_sentences",
    "unmark_ready",
]
