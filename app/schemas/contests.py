"""Forms of competitions: editions with their rounds and tracks, the entries teams
register (or their captain requests) and the reason for declining a request, results won
outside the college, and a competition's entry semester."""

from typing import Any, ClassVar

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.contests import AwardKind
from app.models.curriculum import CompetitionLevel
from app.schemas.base import FormModel
from app.schemas.curriculum import Semester
from app.schemas.fields import Choice, Count, Flag, Id, IdList, OptionalCount, OptionalId, Text
from app.schemas.times import LocalDate

Level = Choice(CompetitionLevel, message=N_("Choose a level from the list."))
Award = Choice(AwardKind, message=N_("Choose an award from the list."))
TeamSize = OptionalCount(high=100)  # a track's bounds on members and advisors


class WordedForm(FormModel):
    """A form whose required text fields say in their own words what is missing
    (``missing = {"reason": N_("Say why ...")}``) rather than 'This field is required.'"""

    missing: ClassVar[dict[str, str]] = {}

    def field_problems(self) -> dict[str, Any]:
        return {
            name: _l(message)
            for name, message in self.missing.items()
            if self.has(name) and not getattr(self, name)
        }


class NamesForm(WordedForm):
    """A Chinese name (required) and an optional English one."""

    missing: ClassVar[dict[str, str]] = {"name_zh": N_("This field is required.")}
    name_zh: Text(100)
    name_en: Text(100)


class EditionForm(FormModel):
    """A new edition of a catalogued competition and its registration window."""

    competition_id: Id
    year: Count(low=2000, high=2100)
    opens_on: LocalDate()
    closes_on: LocalDate()
    notes: Text(1000)

    def field_problems(self) -> dict[str, Any]:
        if self.has("opens_on", "closes_on") and self.closes_on < self.opens_on:
            return {"closes_on": _l("Registration must close on or after the day it opens.")}
        return {}


class RoundForm(FormModel):
    level: Level
    held_on: LocalDate(required=False) = None
    advance_cap: OptionalCount(high=1000) = None


BOUNDS = (
    ("min_members", "max_members"),
    ("min_college_mentors", "max_college_mentors"),
    ("min_enterprise_mentors", "max_enterprise_mentors"),
)


class TrackForm(NamesForm):
    """A track or group of an edition with its eligibility rules (blank: no rule)."""

    missing: ClassVar[dict[str, str]] = {"name_zh": N_("Enter the track's name.")}
    min_members: TeamSize = None
    max_members: TeamSize = None
    min_college_mentors: TeamSize = None
    max_college_mentors: TeamSize = None
    min_enterprise_mentors: TeamSize = None
    max_enterprise_mentors: TeamSize = None
    max_business_age_years: OptionalCount(low=1, high=50) = None
    requires_business: Flag() = False
    excludes_national_winners: Flag() = False

    def field_problems(self) -> dict[str, Any]:
        problems = super().field_problems()
        for low, high in BOUNDS:
            if not self.has(low, high):
                continue
            least, most = getattr(self, low), getattr(self, high)
            if least is not None and most is not None and least > most:
                problems[high] = _l("The maximum must not be below the minimum.")
        return problems


class EntryForm(FormModel):
    """A team's entry: its project, track, members and advisors. The team is chosen only
    when registering; the service checks every id against the database."""

    team_id: OptionalId = None
    track_id: OptionalId = None
    title: Text(200, required=True)
    business_registered_on: LocalDate(required=False) = None
    member_ids: IdList = []
    college_ids: IdList = []
    enterprise_ids: IdList = []


class DeclineForm(WordedForm):
    """Why staff decline a captain's request (the team sees it)."""

    missing: ClassVar[dict[str, str]] = {"reason": N_("Say why the request is declined.")}
    reason: Text(500)


class ExternalResultForm(FormModel):
    """An award won outside the college, by a team or by one student."""

    team_id: OptionalId = None
    student_id: OptionalId = None
    competition_id: OptionalId = None
    competition_name: Text(200)
    edition: Text(50)
    round_name: Text(100)
    level: Level
    award: Award
    awarded_on: LocalDate(not_future=True)

    def field_problems(self) -> dict[str, Any]:
        if self.has("team_id", "student_id") and (self.team_id is None) == (
            self.student_id is None
        ):
            return {"team_id": _l("Choose either a team or a student.")}
        return {}


class EntrySemesterForm(FormModel):
    """The semester by which a competition is usually entered."""

    entry_semester: Semester
