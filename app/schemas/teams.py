"""Forms of teams: the team itself, its stage, members, captain, invitations, and the
team's entrepreneurial project with its platform accounts."""

from app.i18n import N_
from app.models.teams import Platform, ProjectStatus, TeamStage
from app.schemas.base import FormModel
from app.schemas.fields import Choice, Count, Id, IdList, OptionalCount, OptionalId, Text
from app.schemas.times import LocalDate

StudentLookup = Text(64)  # a username or a student number; the service finds them
PostLookup = Text(32)  # a post id or code; blank is "choose a post" (the service says it)
Stage = Choice(TeamStage, message=N_("Choose a stage."))


class TeamForm(FormModel):
    """A team's name (unique, any case), description and cohorts."""

    name: Text(100, required=True)
    description: Text(2000)
    cohort_ids: IdList = []


class NewTeamForm(TeamForm):
    stage: Stage = TeamStage.club.value
    started_on: LocalDate(required=False, not_future=True) = None


class StageForm(FormModel):
    stage: Stage
    changed_on: LocalDate(not_future=True)
    note: Text(500)


class MemberForm(FormModel):
    student: StudentLookup
    post: PostLookup
    joined_on: LocalDate(required=False, not_future=True) = None


class PostChangeForm(FormModel):
    post: PostLookup
    on: LocalDate(required=False, not_future=True) = None


class LeaveForm(FormModel):
    left_on: LocalDate(required=False, not_future=True) = None


class CaptainForm(FormModel):
    captain: OptionalId


class InvitationForm(FormModel):
    student: StudentLookup
    post: PostLookup


class ProjectForm(FormModel):
    title: Text(200, required=True)
    description: Text(10000)
    status: Choice(ProjectStatus, message=N_("Choose a status."))


class AccountForm(FormModel):
    platform: Choice(Platform, message=N_("Choose a platform."))
    handle: Text(100, required=True)
    followers: OptionalCount()


class FollowersForm(FormModel):
    account_id: Id
    recorded_on: LocalDate(not_future=True)
    followers: Count()
