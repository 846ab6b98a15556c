"""Plain factory functions: make_x(session, **overrides) -> x (flushed, not committed)."""

import itertools

from sqlmodel import Session

from app.models import Cohort, MentorProfile, Role, StudentProfile, TeacherProfile, User
from app.security import hash_password

TEST_PASSWORD = "test-password"
_TEST_HASH = hash_password(TEST_PASSWORD)  # hashing is slow on purpose: do it once
_seq = itertools.count(1)


def make_user(session: Session, *, role: Role = Role.student, **overrides) -> User:
    n = next(_seq)
    values = {
        "username": f"{role.value}{n}",
        "full_name": f"测试用户{n}",
        "role": role.value,
        "password_hash": _TEST_HASH,
        "email": None,
    }
    values.update(overrides)
    user = User(**values)
    session.add(user)
    session.flush()
    return user


def make_cohort(session: Session, **overrides) -> Cohort:
    n = next(_seq)
    # Class numbers stay valid (1–99) however many cohorts a run creates; automatic ones
    # use 50–99 so that tests naming small class numbers never collide with them.
    values = {"major": "网络营销与直播电商", "intake_year": 2024, "class_number": 50 + n % 50}
    values.update(overrides)
    cohort = Cohort(**values)
    session.add(cohort)
    session.flush()
    return cohort


def make_student(session: Session, *, cohort: Cohort | None = None, **overrides) -> User:
    user = make_user(session, role=Role.student, **overrides)
    session.add(
        StudentProfile(
            user_id=user.id,
            student_number=f"S{user.id:08d}",
            cohort_id=cohort.id if cohort else None,
        )
    )
    session.flush()
    return user


def make_teacher(session: Session, **overrides) -> User:
    user = make_user(session, role=Role.teacher, **overrides)
    session.add(TeacherProfile(user_id=user.id, department="电子商务学院"))
    session.flush()
    return user


def make_mentor(session: Session, **overrides) -> User:
    user = make_user(session, role=Role.mentor, **overrides)
    session.add(MentorProfile(user_id=user.id, enterprise="温州直播电商产业园"))
    session.flush()
    return user


def make_admin(session: Session, **overrides) -> User:
    return make_user(session, role=Role.admin, **overrides)
