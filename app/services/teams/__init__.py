"""Teams: what routers and other domains use, re-exported."""

from .charts import money_chart
from .detail import all_posts, team_detail
from .listing import list_teams
from .live_figures import daily_figures, team_totals
from .live_sessions import (
    cancel_session,
    linkable_bookings,
    list_sessions,
    plan_form,
    plan_session,
    record_result,
    result_form,
    session_detail,
    update_plan,
)
from .members import (
    add_member,
    change_member_post,
    invite_member,
    pending_invitations,
    remove_member,
    respond_to_invitation,
    set_captain,
    withdraw_invitation,
)
from .projects import (
    PLATFORMS,
    STATUSES,
    add_account,
    project_accounts,
    record_followers,
    save_project,
    team_project,
)
from .review_metrics import metrics_by_session, session_review, team_review
from .sessions_page import SessionsPage, TeamFigures, sessions_page, team_figures
from .standing import MIN_COMPARED
from .teams import (
    STAGE_LABELS,
    STAGES,
    change_stage,
    create_team,
    current_member,
    get_editable_team,
    get_visible_team,
    is_staff,
    team_choices,
    team_form_values,
    update_team,
)

__all__ = [
    "SessionsPage",
    "sessions_page",
    "TeamFigures",
    "team_figures",
    "MIN_COMPARED",
    "PLATFORMS",
    "STAGE_LABELS",
    "STAGES",
    "STATUSES",
    "add_account",
    "add_member",
    "all_posts",
    "cancel_session",
    "change_member_post",
    "change_stage",
    "create_team",
    "current_member",
    "daily_figures",
    "get_editable_team",
    "get_visible_team",
    "invite_member",
    "is_staff",
    "linkable_bookings",
    "list_sessions",
    "list_teams",
    "metrics_by_session",
    "money_chart",
    "pending_invitations",
    "plan_form",
    "plan_session",
    "project_accounts",
    "record_followers",
    "record_result",
    "remove_member",
    "respond_to_invitation",
    "result_form",
    "save_project",
    "session_detail",
    "session_review",
    "set_captain",
    "team_choices",
    "team_detail",
    "team_form_values",
    "team_project",
    "team_review",
    "team_totals",
    "update_plan",
    "update_team",
    "withdraw_invitation",
]
