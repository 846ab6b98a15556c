"""All table models, imported so that SQLModel.metadata knows every table."""

from app import db as _db  # noqa: F401  (installs the naming convention first)
from app.models.accounts import LoginAttempt, Role, User, UserSession
from app.models.catalogue import CoreCompetency, Post, Skill
from app.models.people import Cohort, MentorExpertise, MentorProfile, StudentProfile, TeacherProfile

__all__ = [
    "Cohort",
    "CoreCompetency",
    "LoginAttempt",
    "MentorExpertise",
    "MentorProfile",
    "Post",
    "Role",
    "Skill",
    "StudentProfile",
    "TeacherProfile",
    "User",
    "UserSession",
]
