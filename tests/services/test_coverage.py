"""The coverage map and gap report, and their fixed number of SQL statements."""

from sqlmodel import select

from app.models import CoreCompetency, Skill
from app.models.curriculum import (
    CertificateUnit,
    CompetitionItem,
    Course,
    CourseModule,
    ModuleCertificateUnit,
    ModuleCompetency,
    ModuleCompetitionItem,
    ModuleSkill,
    Placement,
    ProgrammeVersion,
    TrainingProgramme,
)
from app.services.curriculum import coverage as coverage_service
from seeds import curriculum as curriculum_seed
from seeds import loader as seeding
from seeds.loader import SeedReport
from tests.factories_curriculum import (
    make_certificate,
    make_competency,
    make_competition,
    make_course,
    make_item,
    make_module,
    make_post,
    make_programme,
    make_skill,
    make_unit,
)


def _maps(session, programme, version):
    cmap = coverage_service.coverage_map(session, programme_id=programme.id, version_id=version.id)
    gaps = coverage_service.gap_report(session, programme_id=programme.id, version_id=version.id)
    return cmap, gaps


def test_the_map_sums_module_hours_per_post_skill_and_semester(session):
    post = make_post(session)
    s1, s2 = make_skill(session, post=post), make_skill(session, post=post)
    competency = make_competency(session)
    c1 = make_course(session, semester=1)
    c3 = make_course(session, semester=3)
    make_module(session, course=c1, hours=16, skills=[s1, s2], competencies=[competency])
    make_module(session, course=c3, hours=24, skills=[s2])
    make_module(session, course=c3, hours=8)  # maps nothing
    programme, version = make_programme(session, courses=[c1, c3])
    cmap, _ = _maps(session, programme, version)
    row = next(r for r in cmap.posts if r.subject.id == post.id)
    assert row.cells == [16, 0, 24, 0, 0, 0]  # a module counts once per post
    assert [c.cells for c in row.children] == [[16, 0, 0, 0, 0, 0], [16, 0, 24, 0, 0, 0]]
    assert row.heat == [1, 0, 2, 0, 0, 0]
    comp = next(r for r in cmap.competencies if r.subject.id == competency.id)
    assert comp.cells == [16, 0, 0, 0, 0, 0]


def test_the_gap_report_finds_each_kind_of_gap_and_links_to_a_fix(session):
    post = make_post(session)
    taught, untaught = make_skill(session, post=post), make_skill(session, post=post)
    make_skill(session, post=post, retired=True)  # retired skills are no gap
    competition = make_competition(session, entry_semester=2)
    early, late, nowhere = (make_item(session, competition=competition) for _ in range(3))
    certificate = make_certificate(session, hours={5: 40, 4: 30})
    covered = make_unit(session, certificate=certificate, level=5)
    uncovered = make_unit(session, certificate=certificate, level=4)
    c1 = make_course(session, semester=1)
    c4 = make_course(session, semester=4)
    make_module(session, course=c1, hours=32, skills=[taught], items=[early], units=[covered])
    make_module(session, course=c4, hours=16, items=[late])
    programme, version = make_programme(session, courses=[c1, c4])
    _, gaps = _maps(session, programme, version)
    assert [g.skill.id for g in gaps.skills] == [untaught.id]
    assert gaps.skills[0].fix.url == f"/courses/{c1.id}#modules"
    assert [g.unit.id for g in gaps.units] == [uncovered.id]
    assert [(g.item.id, g.implanted_in) for g in gaps.items] == [(late.id, 4), (nowhere.id, None)]
    assert all(g.fix.url.startswith("/") for g in gaps.items)
    hours = {(h.level): (h.hours, h.minimum, h.short_by) for h in gaps.hours}
    assert hours == {5: (32, 40, 8), 4: (32, 30, 0)}
    assert gaps.count == 1 + 1 + 2 + 1


def _ten_fold(session, source_version: ProgrammeVersion) -> tuple:
    """A programme placing ten copies of every course of ``source_version``, mapped alike."""
    programme = TrainingProgramme(major="十倍专业", intake_year=2030)
    session.add(programme)
    session.flush()
    version = ProgrammeVersion(programme_id=programme.id, number=1)
    session.add(version)
    session.flush()
    placements = session.exec(
        select(Placement).where(Placement.version_id == source_version.id)
    ).all()
    links = {
        ModuleSkill: "skill_id",
        ModuleCompetency: "competency_id",
        ModuleCompetitionItem: "item_id",
        ModuleCertificateUnit: "unit_id",
    }
    for copy in range(10):
        for placement in placements:
            course = session.get(Course, placement.course_id)
            clone = make_course(
                session,
                code=f"{course.code}-{copy}",
                semester=course.semester,
                credits=course.credits,
                theory_hours=course.theory_hours,
                practice_hours=course.practice_hours,
            )
            session.add(
                Placement(version_id=version.id, course_id=clone.id, semester=placement.semester)
            )
            for module in session.exec(
                select(CourseModule).where(CourseModule.course_id == course.id)
            ).all():
                new = CourseModule(
                    course_id=clone.id,
                    position=module.position,
                    title_zh=module.title_zh,
                    hours=module.hours,
                    teaching_method=module.teaching_method,
                )
                session.add(new)
                session.flush()
                for model, column in links.items():
                    for link in session.exec(select(model).where(model.module_id == module.id)):
                        session.add(model(module_id=new.id, **{column: getattr(link, column)}))
    session.flush()
    return programme, version


def test_map_and_gaps_cost_the_same_statements_for_ten_times_the_courses(
    session, statement_counter
):
    seeding.seed_catalogue(session)
    seeding.seed_demo(session)
    report = SeedReport()
    curriculum_seed.seed_catalogue(session, report)
    curriculum_seed.seed_demo(session, report, scale=1)
    demo = session.exec(select(TrainingProgramme)).one()
    demo_version = session.exec(
        select(ProgrammeVersion).where(
            ProgrammeVersion.programme_id == demo.id, ProgrammeVersion.number == 1
        )
    ).one()
    big, big_version = _ten_fold(session, demo_version)
    session.commit()
    counts = []
    for programme, version in ((demo, demo_version), (big, big_version)):
        session.expire_all()
        with statement_counter() as statements:
            cmap, gaps = _maps(session, programme, version)
        counts.append(len(statements))
        assert len(cmap.view.courses) in (19, 190)
    assert counts[0] == counts[1], counts
    assert counts[0] < 40
    # Ten copies of every module: ten times the hours in each cell, the same gaps.
    small, large = (
        coverage_service.coverage_map(session, programme_id=p.id, version_id=v.id)
        for p, v in ((demo, demo_version), (big, big_version))
    )
    assert [[10 * c for c in r.cells] for r in small.posts] == [r.cells for r in large.posts]
    demo_gaps = coverage_service.gap_report(
        session, programme_id=demo.id, version_id=demo_version.id
    )
    assert demo_gaps.skills and demo_gaps.units and demo_gaps.items


def test_catalogue_sizes_are_what_the_map_reads(session):
    # guards the fixture above: the seeded catalogue has every kind of target
    seeding.seed_catalogue(session)
    curriculum_seed.seed_catalogue(session, SeedReport())
    for model in (Skill, CoreCompetency, CompetitionItem, CertificateUnit):
        assert session.exec(select(model)).first() is not None
