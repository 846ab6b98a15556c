"""Judging: what routers and other domains use, re-exported."""

from .aggregation import max_total, q2, trimmed_mean, weighted_total
from .results import (
    DEFAULT_QUOTAS,
    Ranking,
    apply_quotas,
    missing_scores,
    publish_round,
    published_results,
    ranking,
    reopen_round,
    set_award,
)
from .rounds import (
    add_criterion,
    assign_judge,
    conflict_reason,
    delete_criterion,
    entries_for_assignment,
    judge_choices,
    remove_assignment,
    set_options,
)
from .rubrics import write_scores
from .scores import (
    get_own_assignment,
    my_assignments,
    open_assignments,
    recuse,
    save_scores,
    score_sheet,
    submit_scores,
)

__all__ = [
    "DEFAULT_QUOTAS",
    "Ranking",
    "add_criterion",
    "apply_quotas",
    "assign_judge",
    "conflict_reason",
    "delete_criterion",
    "entries_for_assignment",
    "get_own_assignment",
    "judge_choices",
    "max_total",
    "my_assignments",
    "open_assignments",
    "missing_scores",
    "publish_round",
    "published_results",
    "q2",
    "ranking",
    "recuse",
    "remove_assignment",
    "reopen_round",
    "save_scores",
    "score_sheet",
    "set_award",
    "set_options",
    "submit_scores",
    "trimmed_mean",
    "weighted_total",
    "write_scores",
]
