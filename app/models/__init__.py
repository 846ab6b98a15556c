"""All table models, imported so that SQLModel.metadata knows every table."""

from app import db as _db  # noqa: F401  (installs the naming convention first)

# Domain modules whose tables register on import; import their classes from the module.
from app.models import (  # noqa: F401
    certificates,
    compliance,
    contests,
    curriculum,
    evaluation,
    kits,
    notifications,
    platform_imports,
    reviews,
    strikes,
    studios,
    teams,
    terms,
)
from app.models.accounts import LoginAttempt, Role, User, UserSession
from app.models.catalogue import CoreCompetency, Post, Skill
from app.models.people import Cohort, MentorExpertise, MentorProfile, StudentProfile, TeacherProfile
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
