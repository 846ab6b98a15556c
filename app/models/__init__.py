"""All table models, imported so that SQLModel.metadata knows every table."""

from app import db as _db  # noqa: F401  (installs the naming convention first)
from app.models.accounts import LoginAttempt, Role, User, UserSession
from app.models.catalogue import CoreCompetency, Post, Skill
from app.models.people import Cohort, MentorExpertise, MentorProfile, StudentProfile, TeacherProfile

# Domain modules whose tables register on import; import their classes from the module.
from app.models import certificates, contests, curriculum, evaluation, studios, teams  # noqa: E402, F401, I001
from app.models.roster import RosterImport

__all__ = [
    "Cohort",
    "CoreCompetency",
    "LoginAttempt",
    "MentorExpertise",
    "MentorProfile",
    "Post",
    "Role",
    "RosterImport",
    "Skill",
    "StudentProfile",
    "TeacherProfile",
    "User",
    "UserSession",
]
