"""The demo people (seeds/demo/people.json): the administrator, then per ``scale`` teachers,
mentors, cohorts and students with made-up names. Users are keyed by username; a person
who exists keeps their profile."""

import random

from sqlmodel import Session

from app.models import (
    Cohort,
    MentorExpertise,
    MentorProfile,
    Post,
    Role,
    StudentProfile,
    TeacherProfile,
    User,
)
from app.security import hash_password
from seeds.loader import SeedReport, cycle, demo_data, ids_by_code, upsert


def _name(rng: random.Random, data: dict) -> str:
    given = "".join(rng.choice(data["given_names"]) for _ in range(rng.choice((1, 2))))
    return rng.choice(data["surnames"]) + given


def seed_demo(session: Session, report: SeedReport, *, scale: int = 1) -> None:
    data = demo_data("people.json")
    rng = random.Random(20240901)
    password_hash = hash_password(data["password"])  # one hash for every demo account

    def person(username: str, role: Role, **extra):
        full_name = data["full_names"].get(username) or _name(rng, data)
        values = {"role": role.value, "full_name": full_name, "password_hash": password_hash}
        values.update(must_change_password=False, **extra)
        return upsert(session, User, {"username": username}, values, report)

    admin = data["admin"]
    person(admin["username"], Role.admin, email=admin["email"])
    per_scale = data["per_scale"]
    teachers = []
    for n in range(1, per_scale["teacher"] * scale + 1):
        teacher = person(f"teacher{n}", Role.teacher)
        if session.get(TeacherProfile, teacher.id) is None:
            session.add(
                TeacherProfile(
                    user_id=teacher.id,
                    department=data["teachers"]["department"],
                    double_qualified=cycle(data["teachers"]["double_qualified"], n),
                )
            )
        teachers.append(teacher)
    posts = ids_by_code(session, Post)
    mentors = data["mentors"]
    for n in range(1, per_scale["mentor"] * scale + 1):
        mentor = person(f"mentor{n}", Role.mentor)
        if session.get(MentorProfile, mentor.id) is None:
            session.add(
                MentorProfile(
                    user_id=mentor.id,
                    enterprise=cycle(mentors["enterprises"], n),
                    title=cycle(mentors["titles"], n),
                )
            )
            session.flush()
            for code in cycle(mentors["expertise"], n):
                if code in posts:
                    session.add(MentorExpertise(mentor_id=mentor.id, post_id=posts[code]))
    cohorts = []
    years = data["cohorts"]["intake_years"]
    for n in range(per_scale["cohort"] * scale):
        key = {
            "major": data["cohorts"]["major"],
            "intake_year": years[n % len(years)],
            "class_number": n // len(years) + 1,
        }
        head = {"head_teacher_id": teachers[n % len(teachers)].id}
        cohorts.append(upsert(session, Cohort, key, head, report))
    for n in range(1, per_scale["student"] * scale + 1):
        student = person(f"student{n}", Role.student)
        if session.get(StudentProfile, student.id) is None:
            cohort = cycle(cohorts, n)
            session.add(
                StudentProfile(
                    user_id=student.id,
                    student_number=f"{cohort.intake_year}{n:06d}",
                    cohort_id=cohort.id,
                    phone=None,
                )
            )
    session.flush()
