"""Evaluation: what routers and other domains use, re-exported."""

from . import cache  # noqa: F401  (its listeners write the data revision)
from .charts import comparison, histogram, radar
from .compute import Evaluation, StudentScore, evaluate
from .jobs import (
    get_job,
    is_stale,
    job_file,
    launch,
    recent_jobs,
    retry_job,
    run_pending,
    start_export,
)
from .outcomes import (
    OutcomesRejected,
    commit_import,
    create_import,
    delete_outcome,
    discard_import,
    get_outcome,
    list_outcomes,
    outcome_form,
    preview_import,
    save_outcome,
)
from .preview import SchemePreview
from .preview import preview as preview_scheme
from .scheme import (
    AWARDS,
    DIMENSIONS,
    LEVELS,
    OUTCOMES,
    current_scheme,
    describe,
    ensure_scheme,
    form_values,
    get_scheme,
    list_versions,
    save_scheme,
)
from .scheme import complete as complete_params
from .scoring import Period, academic_year
from .snapshots import compare, get_snapshot, publish, snapshot_evaluation
from .views import (
    cohort_dashboard,
    dashboard_panel,
    method_context,
    overview,
    scheme_labels,
    score_page,
    snapshot_page,
)

__all__ = [
    "SchemePreview",
    "preview_scheme",
    "complete_params",
    "AWARDS",
    "DIMENSIONS",
    "Evaluation",
    "LEVELS",
    "OUTCOMES",
    "OutcomesRejected",
    "Period",
    "StudentScore",
    "academic_year",
    "cohort_dashboard",
    "commit_import",
    "compare",
    "comparison",
    "create_import",
    "current_scheme",
    "dashboard_panel",
    "delete_outcome",
    "describe",
    "discard_import",
    "ensure_scheme",
    "evaluate",
    "form_values",
    "get_job",
    "get_outcome",
    "get_scheme",
    "get_snapshot",
    "histogram",
    "is_stale",
    "job_file",
    "launch",
    "list_outcomes",
    "list_versions",
    "outcome_form",
    "overview",
    "preview_import",
    "publish",
    "radar",
    "recent_jobs",
    "retry_job",
    "run_pending",
    "save_outcome",
    "save_scheme",
    "method_context",
    "scheme_labels",
    "score_page",
    "snapshot_evaluation",
    "snapshot_page",
    "start_export",
]
