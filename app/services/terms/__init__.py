"""The term calendar (校历) and term series: what routers and other domains use."""

from .calendar import (
    PERIOD_LABELS,
    add_period,
    current_term,
    get_term,
    list_periods,
    list_terms,
    remove_period,
    save_term,
    term_calendar,
    term_containing,
    term_form_values,
    week_count,
    week_of,
)
from .changes import (
    EXCEPTION_LABELS,
    SeriesEditRefused,
    cancel_occurrence,
    edit_form_values,
    edit_series,
    move_occurrence,
    series_view,
)
from .series import (
    commit_term_series,
    my_term_series,
    plan_dates,
    preview_term_series,
)

__all__ = [
    "EXCEPTION_LABELS",
    "PERIOD_LABELS",
    "SeriesEditRefused",
    "add_period",
    "cancel_occurrence",
    "commit_term_series",
    "current_term",
    "edit_form_values",
    "edit_series",
    "get_term",
    "list_periods",
    "list_terms",
    "move_occurrence",
    "my_term_series",
    "plan_dates",
    "preview_term_series",
    "remove_period",
    "save_term",
    "series_view",
    "term_calendar",
    "term_containing",
    "term_form_values",
    "week_count",
    "week_of",
]
