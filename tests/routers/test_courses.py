"""Course pages: list filters, the htmx module editor, and who may change what."""

from sqlalchemy import func
from sqlmodel import select

from app.models.curriculum import Course, CourseModule, ModuleSkill
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_curriculum import make_course, make_module, make_post, make_skill

HX = {"HX-Request": "true"}
MODULE = {
    "title_zh": "直播复盘",
    "title_en": "Review",
    "hours": "16",
    "teaching_method": "case",
    "outcomes": "能复盘",
}


def _count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def test_the_list_filters_and_searches_for_any_role(client, session):
    student = make_student(session)
    teacher = make_teacher(session, full_name="陈老师")
    make_course(session, owners=[teacher], code="WLZB101", title_zh="直播基础", semester=1)
    make_course(session, code="WLZB305", title_zh="数据分析", semester=5, kind="platform")
    session.commit()
    client.login(student.username)
    page = client.get("/courses")
    assert page.status_code == 200 and "WLZB101" in page.text and "WLZB305" in page.text
    only = client.get("/courses", params={"semester": "5"}, headers=HX)
    assert "WLZB305" in only.text and "WLZB101" not in only.text and "<html" not in only.text
    assert "WLZB101" not in client.get("/courses", params={"kind": "platform"}).text
    assert "WLZB305" not in client.get("/courses", params={"owner": teacher.id}).text
    assert "WLZB305" not in client.get("/courses", params={"q": "直播"}).text
    assert "没有符合筛选条件的课程" in client.get("/courses", params={"q": "nothing"}).text


def test_a_teacher_creates_a_course_and_bad_input_stays_on_the_form(client, session):
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    bad = client.post_form(
        "/courses",
        {
            "code": "X1",
            "title_zh": "",
            "semester": "9",
            "credits": "1.25",
            "theory_hours": "8",
            "practice_hours": "8",
            "kind": "platform",
        },
        headers=HX,
    )
    assert bad.status_code == 422
    assert 'id="title_zh-error"' in bad.text and 'id="semester-error"' in bad.text
    assert _count(session, Course) == 0
    ok = client.post_form(
        "/courses",
        {
            "code": "x1",
            "title_zh": "新课",
            "semester": "2",
            "credits": "1.5",
            "theory_hours": "8",
            "practice_hours": "8",
            "kind": "platform",
        },
    )
    assert ok.status_code == 303
    course = session.exec(select(Course)).one()
    assert ok.headers["location"] == f"/courses/{course.id}" and course.code == "X1"


def test_an_owner_adds_edits_moves_and_deletes_modules_inline(client, session):
    owner = make_teacher(session)
    course = make_course(session, owners=[owner], theory_hours=16, practice_hours=16)
    session.commit()
    client.login(owner.username)
    added = client.post_form(f"/courses/{course.id}/modules", MODULE, headers=HX)
    assert added.status_code == 200 and 'id="modules"' in added.text
    assert "相差 16" in added.text and "<html" not in added.text
    second = client.post_form(
        f"/courses/{course.id}/modules", {**MODULE, "title_zh": "第二"}, headers=HX
    )
    assert "一致" in second.text
    first, other = session.exec(select(CourseModule).order_by(CourseModule.id)).all()
    form = client.get(f"/courses/{course.id}/modules/{first.id}/edit", headers=HX)
    assert form.status_code == 200 and f'id="module-{first.id}"' in form.text
    bad = client.post_form(
        f"/courses/{course.id}/modules/{first.id}", {**MODULE, "hours": "abc"}, headers=HX
    )
    assert bad.status_code == 422 and 'id="hours-error"' in bad.text
    assert bad.headers["HX-Retarget"] == f"#module-{first.id}"
    saved = client.post_form(
        f"/courses/{course.id}/modules/{first.id}", {**MODULE, "hours": "8"}, headers=HX
    )
    assert "相差 8" in saved.text
    client.post_form(
        f"/courses/{course.id}/modules/{other.id}/move", {"direction": "up"}, headers=HX
    )
    session.expire_all()
    assert (
        session.get(CourseModule, other.id).position < session.get(CourseModule, first.id).position
    )
    gone = client.post_form(f"/courses/{course.id}/modules/{first.id}/delete", headers=HX)
    assert gone.status_code == 200 and _count(session, CourseModule) == 1


def test_an_empty_module_title_is_shown_beside_the_add_form(client, session):
    owner = make_teacher(session)
    course = make_course(session, owners=[owner])
    session.commit()
    client.login(owner.username)
    response = client.post_form(
        f"/courses/{course.id}/modules", {**MODULE, "title_zh": ""}, headers=HX
    )
    assert response.status_code == 422 and 'id="title_zh-error"' in response.text
    assert response.headers["HX-Retarget"] == "#module-add"
    plain = client.post_form(f"/courses/{course.id}/modules", {**MODULE, "title_zh": ""})
    assert plain.status_code == 422 and "<html" in plain.text
    assert _count(session, CourseModule) == 0


def test_other_teachers_and_students_read_but_cannot_change_a_course(client, session):
    owner, other, student = make_teacher(session), make_teacher(session), make_student(session)
    post = make_post(session)
    skill = make_skill(session, post=post)
    course = make_course(session, owners=[owner])
    module = make_module(session, course=course)
    session.commit()
    for user, forbidden_status in ((other, 403), (student, 403)):
        client.login(user.username)
        page = client.get(f"/courses/{course.id}")
        assert page.status_code == 200 and "添加模块" not in page.text
        assert client.get(f"/courses/{course.id}/modules/{module.id}").status_code == 200
        attempts = [
            (f"/courses/{course.id}/modules", MODULE),
            (f"/courses/{course.id}/modules/{module.id}", MODULE),
            (f"/courses/{course.id}/modules/{module.id}/delete", {}),
            (
                f"/courses/{course.id}/modules/{module.id}/links",
                {"kind": "skill", "target_id": str(skill.id)},
            ),
            (f"/courses/{course.id}", {"title_zh": "x"}),
            (f"/courses/{course.id}/delete", {}),
        ]
        for url, data in attempts:
            assert client.post_form(url, data).status_code == forbidden_status, url
        assert client.get(f"/courses/{course.id}/edit").status_code == 403
    assert _count(session, CourseModule) == 1 and _count(session, ModuleSkill) == 0


def test_mapping_a_skill_through_the_picker(client, session):
    owner = make_teacher(session)
    admin = make_admin(session)
    post = make_post(session)
    skill = make_skill(session, post=post, code="ZZ-01")
    course = make_course(session, owners=[owner])
    module = make_module(session, course=course)
    session.commit()
    client.login(owner.username)
    picker = client.get(f"/courses/{course.id}/modules/{module.id}", params={"q": "ZZ"}, headers=HX)
    assert 'data-pick="skill-ZZ-01"' in picker.text and "<html" not in picker.text
    added = client.post_form(
        f"/courses/{course.id}/modules/{module.id}/links",
        {"kind": "skill", "target_id": str(skill.id)},
        headers=HX,
    )
    assert added.status_code == 200 and _count(session, ModuleSkill) == 1
    client.login(admin.username)  # admins edit any course
    removed = client.post_form(
        f"/courses/{course.id}/modules/{module.id}/links",
        {"kind": "skill", "target_id": str(skill.id), "action": "remove"},
    )
    assert removed.status_code == 303 and _count(session, ModuleSkill) == 0
