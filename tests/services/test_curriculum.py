"""The competition/certificate catalogue, its seed and the demo programme; courses and
their modules, with the owner-or-admin rule enforced in the services."""

from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import select

from app.errors import Conflict, Forbidden, FormErrors, Invalid
from app.models.curriculum import (
    CertificateLevel,
    CertificateType,
    Competition,
    Course,
    CourseModule,
    CourseOwner,
    ModuleSkill,
    Placement,
    ProgrammeVersion,
)
from app.schemas.curriculum import CourseForm, LinkForm, ModuleForm, NewCourseForm
from app.services.curriculum import courses as course_service
from app.services.curriculum import modules as module_service
from seeds import curriculum as curriculum_seed
from seeds import loader as seeding
from seeds.loader import SeedReport
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_curriculum import (
    make_competency,
    make_course,
    make_module,
    make_post,
    make_skill,
)

COURSE = {
    "code": "wlzb901",
    "title_zh": "直播数据复盘",
    "title_en": "Broadcast review",
    "semester": "3",
    "credits": "2.5",
    "theory_hours": "16",
    "practice_hours": "24",
    "kind": "module_directed",
}
MODULE = {"title_zh": "复盘方法", "hours": "16", "teaching_method": "case", "needs_studio": "1"}


def _seed_all(session):
    seeding.seed_catalogue(session)
    seeding.seed_demo(session)
    report = SeedReport()
    curriculum_seed.seed_catalogue(session, report)
    curriculum_seed.seed_demo(session, report, scale=1)
    session.commit()
    return report


def test_the_catalogue_seeds_the_real_competitions_and_certificates_once(session):
    seeding.seed_catalogue(session)
    first = SeedReport()
    curriculum_seed.seed_catalogue(session, first)
    session.commit()
    names = session.exec(select(Competition.name_zh)).all()
    assert any("互联网+" in n for n in names)
    assert any("三创赛" in n for n in names)
    assert any("职业院校技能大赛" in n and "电子商务" in n for n in names)
    work_types = set(
        session.exec(
            select(CertificateType.work_type_zh).where(
                CertificateType.occupation_code == "4-01-02-07"
            )
        ).all()
    )
    assert work_types == {"选品员", "直播销售员", "视频创推员", "平台管理员"}
    assert session.exec(select(CertificateType).where(CertificateType.code == "1X-LIVE")).one()
    live = session.exec(select(CertificateType).where(CertificateType.code == "IM-LIVE")).one()
    hours = {
        lv.level: lv.min_training_hours
        for lv in session.exec(
            select(CertificateLevel).where(CertificateLevel.certificate_type_id == live.id)
        )
    }
    assert hours == {5: 120, 4: 104, 3: 88, 2: 72, 1: 72}
    platform = session.exec(select(CertificateType).where(CertificateType.code == "IM-PLT")).one()
    levels = session.exec(
        select(CertificateLevel.level).where(CertificateLevel.certificate_type_id == platform.id)
    ).all()
    assert sorted(levels) == [3, 4, 5]

    second = SeedReport()
    curriculum_seed.seed_catalogue(session, second)
    assert second.created == {} and second.updated == {}


def test_the_demo_programme_has_18_courses_over_six_semesters_and_reruns_cleanly(session):
    _seed_all(session)
    placed = session.exec(
        select(Course.semester)
        .join(Placement, Placement.course_id == Course.id)
        .join(ProgrammeVersion, ProgrammeVersion.id == Placement.version_id)
        .where(ProgrammeVersion.status == "published")
    ).all()
    assert len(placed) >= 18 and set(placed) == {1, 2, 3, 4, 5, 6}
    assert session.exec(select(func.count()).select_from(ModuleSkill)).one() > 40
    modules = session.exec(select(func.count()).select_from(CourseModule)).one()

    again = SeedReport()
    curriculum_seed.seed_catalogue(session, again)
    curriculum_seed.seed_demo(session, again, scale=1)
    assert again.created == {} and again.updated == {}
    assert session.exec(select(func.count()).select_from(CourseModule)).one() == modules


def test_a_teacher_who_creates_a_course_owns_it(session):
    teacher = make_teacher(session)
    course = course_service.create_course(session, actor=teacher, form=NewCourseForm.parse(COURSE))
    assert course.code == "WLZB901" and course.credits == Decimal("2.5")
    assert course.hours == 40
    assert course_service.is_owner(session, course_id=course.id, user_id=teacher.id)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("semester", "7"),
        ("credits", "2.55"),
        ("credits", "abc"),
        ("theory_hours", "-1"),
        ("kind", "elective"),
        ("title_zh", " "),
    ],
)
def test_bad_course_input_is_reported_beside_the_field(session, field, value):
    teacher = make_teacher(session)
    with pytest.raises(FormErrors) as caught:
        course_service.create_course(
            session, actor=teacher, form=NewCourseForm.parse({**COURSE, field: value})
        )
    assert field in caught.value.errors
    assert session.exec(select(func.count()).select_from(Course)).one() == 0


def test_a_duplicate_course_code_is_refused(session):
    teacher = make_teacher(session)
    course_service.create_course(session, actor=teacher, form=NewCourseForm.parse(COURSE))
    with pytest.raises(FormErrors) as caught:
        course_service.create_course(session, actor=teacher, form=NewCourseForm.parse(COURSE))
    assert "code" in caught.value.errors


def test_only_owners_and_admins_edit_a_course_and_its_modules(session):
    owner, other, student, admin = (
        make_teacher(session),
        make_teacher(session),
        make_student(session),
        make_admin(session),
    )
    course = make_course(session, owners=[owner])
    for intruder in (other, student):
        with pytest.raises(Forbidden):
            course_service.update_course(
                session, actor=intruder, course_id=course.id, form=CourseForm.parse(COURSE)
            )
        with pytest.raises(Forbidden):
            module_service.add_module(
                session, actor=intruder, course_id=course.id, form=ModuleForm.parse(MODULE)
            )
    assert session.exec(select(func.count()).select_from(CourseModule)).one() == 0
    module_service.add_module(
        session, actor=owner, course_id=course.id, form=ModuleForm.parse(MODULE)
    )
    module_service.add_module(
        session, actor=admin, course_id=course.id, form=ModuleForm.parse(MODULE)
    )
    view = module_service.course_view(session, course_id=course.id, user=other)
    assert len(view.modules) == 2 and not view.can_edit


def test_the_editor_says_by_how_much_module_hours_differ(session):
    owner = make_teacher(session)
    course = make_course(session, owners=[owner], theory_hours=16, practice_hours=32)
    module_service.add_module(
        session, actor=owner, course_id=course.id, form=ModuleForm.parse(MODULE)
    )
    view = module_service.course_view(session, course_id=course.id, user=owner)
    assert (view.module_hours, view.difference) == (16, -32)
    module_service.add_module(
        session, actor=owner, course_id=course.id, form=ModuleForm.parse({**MODULE, "hours": "32"})
    )
    assert module_service.course_view(session, course_id=course.id, user=owner).difference == 0


def test_modules_can_be_edited_reordered_and_deleted(session):
    owner = make_teacher(session)
    course = make_course(session, owners=[owner])
    first = module_service.add_module(
        session, actor=owner, course_id=course.id, form=ModuleForm.parse(MODULE)
    )
    second = module_service.add_module(
        session,
        actor=owner,
        course_id=course.id,
        form=ModuleForm.parse({**MODULE, "title_zh": "第二"}),
    )
    module_service.move_module(
        session, actor=owner, course_id=course.id, module_id=second.id, direction="up"
    )
    view = module_service.course_view(session, course_id=course.id, user=owner)
    assert [m.module.id for m in view.modules] == [second.id, first.id]
    module_service.update_module(
        session,
        actor=owner,
        course_id=course.id,
        module_id=first.id,
        form=ModuleForm.parse({**MODULE, "title_zh": "改名", "teaching_method": "role_play"}),
    )
    assert first.title_zh == "改名" and first.teaching_method == "role_play"
    with pytest.raises(FormErrors) as caught:
        module_service.update_module(
            session,
            actor=owner,
            course_id=course.id,
            module_id=first.id,
            form=ModuleForm.parse({**MODULE, "hours": "0", "teaching_method": "lecture"}),
        )
    assert set(caught.value.errors) == {"hours", "teaching_method"}
    module_service.delete_module(session, actor=owner, course_id=course.id, module_id=first.id)
    view = module_service.course_view(session, course_id=course.id, user=owner)
    assert [m.module.id for m in view.modules] == [second.id]


def test_mapping_picks_active_skills_and_refuses_retired_ones(session):
    owner = make_teacher(session)
    post = make_post(session)
    active, retired = make_skill(session, post=post), make_skill(session, post=post, retired=True)
    competency = make_competency(session)
    course = make_course(session, owners=[owner])
    module = make_module(session, course=course)
    picker = module_service.picker(session, module=module)
    picked_ids = {s.id for g in picker.skills for s in g.entries}
    assert active.id in picked_ids and retired.id not in picked_ids
    with pytest.raises(Invalid):
        module_service.set_link(
            session,
            actor=owner,
            course_id=course.id,
            module_id=module.id,
            form=LinkForm.parse({"kind": "skill", "target_id": str(retired.id), "action": "add"}),
        )
    for _ in range(2):  # idempotent
        module_service.set_link(
            session,
            actor=owner,
            course_id=course.id,
            module_id=module.id,
            form=LinkForm.parse({"kind": "skill", "target_id": str(active.id), "action": "add"}),
        )
    module_service.set_link(
        session,
        actor=owner,
        course_id=course.id,
        module_id=module.id,
        form=LinkForm.parse(
            {"kind": "competency", "target_id": str(competency.id), "action": "add"}
        ),
    )
    view = module_service.course_view(session, course_id=course.id, user=owner)
    assert [s.id for s in view.modules[0].skills] == [active.id]
    assert [c.id for c in view.modules[0].competencies] == [competency.id]
    found = module_service.picker(session, module=module, search=active.code)
    assert [s.id for g in found.skills for s in g.entries] == [active.id]
    module_service.set_link(
        session,
        actor=owner,
        course_id=course.id,
        module_id=module.id,
        form=LinkForm.parse({"kind": "skill", "target_id": str(active.id), "action": "remove"}),
    )
    assert session.exec(select(func.count()).select_from(ModuleSkill)).one() == 0


def test_a_placed_course_cannot_be_deleted_and_keeps_an_owner(session):
    owner = make_teacher(session)
    course = make_course(session, owners=[owner])
    from tests.factories_curriculum import make_programme

    make_programme(session, courses=[course])
    with pytest.raises(Conflict):
        course_service.delete_course(session, actor=owner, course_id=course.id)
    with pytest.raises(Conflict):
        course_service.remove_owner(session, actor=owner, course_id=course.id, user_id=owner.id)
    assert session.exec(select(func.count()).select_from(CourseOwner)).one() == 1


def test_the_course_list_filters_by_semester_kind_post_owner_and_search(session):
    owner, other = make_teacher(session), make_teacher(session)
    post = make_post(session)
    skill = make_skill(session, post=post)
    a = make_course(session, owners=[owner], semester=2, kind="platform", title_zh="直播基础")
    b = make_course(session, owners=[other], semester=3)
    make_module(session, course=b, skills=[skill])

    def codes(**filters):
        query = course_service.course_query(**filters)
        return [c.code for c in session.exec(query).all()]

    assert codes(semester=2) == [a.code]
    assert codes(kind="platform") == [a.code]
    assert codes(post_id=post.id) == [b.code]
    assert codes(owner_id=other.id) == [b.code]
    assert codes(search="直播") == [a.code]
    assert codes(search=b.code.lower()) == [b.code]
    rows = course_service.teacher_courses(session, user=other)
    assert [(r.course.code, r.difference) for r in rows] == [(b.code, 16 - 32)]
