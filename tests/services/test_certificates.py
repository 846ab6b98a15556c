"""Certificate eligibility (rules as data), issuing, exams and bulk issue."""

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from app.errors import FormErrors
from app.models.certificates import CertificateAward, CertificateRule, TrainingRecord
from app.schemas.certificates import ImportForm
from app.schemas.judging import CriterionForm, ScoresForm
from app.services.certificates import awards as certificate_service
from app.services.certificates import eligibility
from app.services.certificates import exams as exam_service
from app.services.certificates import imports as import_service
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_contests import make_award, make_exam
from tests.factories_curriculum import make_certificate

ON = date(2026, 6, 1)


def _platform_manager(session):
    """平台管理员: levels 5 to 3 only."""
    return make_certificate(session, work_type_zh="平台管理员", hours={5: 120, 4: 104, 3: 88})


def test_eligibility_names_every_missing_condition(session):
    cert = _platform_manager(session)
    student = make_student(session)
    check = eligibility.check_eligibility(
        session, student_id=student.id, type_id=cert.id, level=2, on=ON
    )
    assert [str(p) for p in check.problems] == ["平台管理员 is offered at levels 5、4、3 only."]
    check = eligibility.check_eligibility(
        session, student_id=student.id, type_id=cert.id, level=4, on=ON
    )
    texts = [str(p) for p in check.problems]
    assert "Training hours: 0 of the 104 required are completed." in texts
    assert "Level 5 of this certificate must be held first." in texts
    session.add(TrainingRecord(student_id=student.id, certificate_type_id=cert.id, hours=110))
    make_award(session, holder=student, certificate=cert, level=5)
    assert eligibility.check_eligibility(
        session, student_id=student.id, type_id=cert.id, level=4, on=ON
    ).ok
    # a revoked level 5 no longer counts
    award = session.exec(select(CertificateAward)).one()
    award.status = "revoked"
    session.add(award)
    assert not eligibility.check_eligibility(
        session, student_id=student.id, type_id=cert.id, level=4, on=ON
    ).ok
    # rules are data: a type that lets anyone sit level 4
    session.add(CertificateRule(certificate_type_id=cert.id, requires_level_below=False))
    session.flush()
    assert eligibility.check_eligibility(
        session, student_id=student.id, type_id=cert.id, level=4, on=ON
    ).ok


def test_masked_names():
    assert certificate_service.mask_name("张三") == "张*"
    assert certificate_service.mask_name("欧阳娜娜") == "欧**娜"
    assert certificate_service.mask_name("Li Ming") == "L* M***"
    assert certificate_service.mask_name("王") == "*"


def test_a_practical_exam_issues_certificates_to_passing_candidates(session):
    cert = make_certificate(session, hours={5: 0})
    admin = make_admin(session)
    e1, e2 = make_teacher(session), make_teacher(session)
    good, weak = make_student(session), make_student(session)
    exam = make_exam(session, actor=admin, certificate=cert)
    c1 = exam_service.add_criterion(
        session, exam_id=exam.id, form=CriterionForm.parse({"name_zh": "节奏", "max_score": "60"})
    )
    c2 = exam_service.add_criterion(
        session, exam_id=exam.id, form=CriterionForm.parse({"name_zh": "合规", "max_score": "40"})
    )
    for examiner in (e1, e2):
        exam_service.add_examiner(session, exam_id=exam.id, user_id=examiner.id)
    cand_good = exam_service.add_candidate(session, exam_id=exam.id, student_id=good.id)
    cand_weak = exam_service.add_candidate(session, exam_id=exam.id, student_id=weak.id)
    with pytest.raises(FormErrors) as caught:
        exam_service.save_exam_scores(
            session,
            examiner=e1,
            exam_id=exam.id,
            candidate_id=cand_good.id,
            form=ScoresForm.parse({f"c{c1.id}": "61", f"c{c2.id}": "30"}),
        )
    assert f"c{c1.id}" in caught.value.errors
    for examiner, (g1, g2), (w1, w2) in ((e1, (50, 30), (30, 20)), (e2, (40, 20), (35, 20))):
        exam_service.save_exam_scores(
            session,
            examiner=examiner,
            exam_id=exam.id,
            candidate_id=cand_good.id,
            form=ScoresForm.parse({f"c{c1.id}": str(g1), f"c{c2.id}": str(g2)}),
        )
        exam_service.save_exam_scores(
            session,
            examiner=examiner,
            exam_id=exam.id,
            candidate_id=cand_weak.id,
            form=ScoresForm.parse({f"c{c1.id}": str(w1), f"c{c2.id}": str(w2)}),
        )
    assert exam_service.finalise_exam(session, actor=admin, exam_id=exam.id) == 1
    assert cand_good.result == Decimal("70.00") and cand_good.passed  # (80 + 60) / 2
    assert cand_weak.result == Decimal("52.50") and not cand_weak.passed
    award = session.get(CertificateAward, cand_good.award_id)
    assert (
        award.holder_id == good.id and award.source == "exam" and len(award.verification_code) == 12
    )


def test_bulk_issue_previews_row_errors_and_issues_all_or_nothing(session):
    cert = make_certificate(session, hours={5: 0})
    admin = make_admin(session)
    a, b = make_student(session, full_name="甲同学"), make_student(session, full_name="乙同学")
    from app.models import StudentProfile

    na = session.get(StudentProfile, a.id).student_number
    nb = session.get(StudentProfile, b.id).student_number
    bad = f"学号,姓名,结果\n{na},甲同学,通过\n{nb},错名字,通过\nNOPE,谁,通过\n".encode()
    form = ImportForm.parse(
        {"certificate_type_id": str(cert.id), "level": "5", "issued_on": "2026-06-01"}
    )
    record = import_service.create_import(
        session, actor=admin, form=form, filename="r.csv", content=bad
    )
    preview = import_service.get_preview(session, import_id=record.id)
    assert [len(r.errors) for r in preview.rows] == [0, 1, 1]
    with pytest.raises(import_service.ImportRejected):
        import_service.commit_import(session, actor=admin, import_id=record.id)
    assert session.exec(select(CertificateAward)).all() == []
    good = f"学号,姓名,结果\n{na},甲同学,通过\n{nb},乙同学,不通过\n".encode("gb18030")
    record = import_service.create_import(
        session, actor=admin, form=form, filename="r.csv", content=good
    )
    assert import_service.commit_import(session, actor=admin, import_id=record.id) == 1
    assert [x.holder_id for x in session.exec(select(CertificateAward)).all()] == [a.id]
    with pytest.raises(FormErrors):
        import_service.create_import(session, actor=admin, form=form, filename="x.csv", content=b"")


def test_a_cohort_whose_programme_is_a_draft_counts_the_published_one_it_follows(session):
    from tests.factories import make_cohort
    from tests.factories_curriculum import make_course, make_module, make_programme, make_unit

    cert = make_certificate(session, work_type_zh="直播销售员", hours={5: 30})
    unit = make_unit(session, certificate=cert, level=5)
    course = make_course(session, semester=1)
    make_module(session, course=course, units=[unit], hours=32)
    major = "网络营销与直播电商"
    make_programme(session, courses=[course], status="published", major=major, intake_year=2024)
    make_programme(session, courses=[course], status="draft", major=major, intake_year=2025)
    student = make_student(session, cohort=make_cohort(session, major=major, intake_year=2025))
    check = eligibility.check_eligibility(
        session, student_id=student.id, type_id=cert.id, level=5, on=date(2026, 3, 1)
    )
    assert check.hours_done == 32 and check.ok  # the 2024 programme the cohort follows


def test_a_cohort_without_any_published_programme_is_told_why_its_hours_are_0(session):
    from tests.factories import make_cohort

    cert = make_certificate(session, hours={5: 30})
    student = make_student(session, cohort=make_cohort(session, major="无方案专业"))
    check = eligibility.check_eligibility(
        session, student_id=student.id, type_id=cert.id, level=5, on=ON
    )
    texts = [str(p) for p in check.problems]
    assert "Training hours: 0 of the 30 required are completed." in texts
    assert any("No published training programme is followed" in t for t in texts)
