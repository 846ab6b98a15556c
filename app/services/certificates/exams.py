"""Practical exams (实操考核) for certificates, judged like competition rounds: examiners
score candidates on a rubric (weights, maximums), the result is the trimmed mean of the
examiners' totals (``aggregation``), and candidates at or above the pass mark are issued
the certificate when the exam is finalised.

An examiner reaches only the exams they examine; anyone else's ids answer NotFound.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.base import utcnow
from app.models.certificates import (
    AwardSource,
    ExamCandidate,
    ExamCriterion,
    ExamExaminer,
    ExamScore,
    PracticalExam,
)
from app.models.curriculum import CertificateType
from app.schemas.certificates import ExamForm
from app.schemas.judging import CriterionForm, ScoresForm
from app.services import judging as judging_service
from app.services import notifications as notification_service
from app.services.certificates import awards as certificate_service
from app.services.certificates import eligibility
from app.services.pagination import paginate

EXAMINER_ROLES = (Role.teacher, Role.mentor)


def _exam(session: Session, exam_id: int) -> PracticalExam:
    exam = session.get(PracticalExam, exam_id)
    if exam is None:
        raise NotFound("This exam does not exist.")
    return exam


def _is_examiner(session: Session, exam_id: int, user_id: int) -> bool:
    return session.get(ExamExaminer, (exam_id, user_id)) is not None


def get_exam_for(session: Session, *, user: User, exam_id: int) -> PracticalExam:
    """Admins see every exam; teachers and mentors only those they examine."""
    exam = session.get(PracticalExam, exam_id)
    if exam is None or (user.role != Role.admin and not _is_examiner(session, exam_id, user.id)):
        raise NotFound("This exam does not exist.")
    return exam


def _open(exam: PracticalExam) -> None:
    if exam.finalised_at is not None:
        raise Conflict("This exam is finalised; its results can no longer change.")


def create_exam(session: Session, *, actor: User, form: ExamForm) -> PracticalExam:
    cert = session.get(CertificateType, form.certificate_type_id)
    if cert is None:
        raise FormErrors({"certificate_type_id": _l("Choose a certificate from the list.")})
    offered = eligibility.levels_offered(session, cert.id)
    if form.level not in offered:
        raise FormErrors(
            {
                "level": _l(
                    "%(work_type)s is offered at levels %(levels)s only.",
                    work_type=cert.work_type_zh or cert.name_zh,
                    levels="、".join(str(n) for n in sorted(offered, reverse=True)) or "—",
                )
            }
        )
    exam = PracticalExam(
        certificate_type_id=cert.id,
        level=form.level,
        title=form.title,
        held_on=form.held_on,
        pass_mark=form.pass_mark,
        created_by_id=actor.id,
    )
    session.add(exam)
    session.flush()
    return exam


@dataclass
class ExamRow:
    exam: PracticalExam
    certificate: CertificateType
    candidates: int


def list_exams(session: Session, *, user: User, page: int, per_page: int):
    query = select(PracticalExam, CertificateType).join(
        CertificateType, CertificateType.id == PracticalExam.certificate_type_id
    )
    if user.role != Role.admin:
        query = query.join(ExamExaminer, ExamExaminer.exam_id == PracticalExam.id).where(
            ExamExaminer.user_id == user.id
        )
    query = query.order_by(PracticalExam.held_on.desc(), PracticalExam.id.desc())
    items, total = paginate(session, query, page=page, per_page=per_page)
    ids = [e.id for e, _c in items]
    counts = (
        dict(
            session.exec(
                select(ExamCandidate.exam_id, func.count())
                .where(ExamCandidate.exam_id.in_(ids))
                .group_by(ExamCandidate.exam_id)
            ).all()
        )
        if ids
        else {}
    )
    return [ExamRow(e, c, counts.get(e.id, 0)) for e, c in items], total


def add_criterion(session: Session, *, exam_id: int, form: CriterionForm) -> ExamCriterion:
    exam = _exam(session, exam_id)
    _open(exam)
    if session.exec(
        select(ExamScore.candidate_id)
        .join(ExamCandidate, ExamCandidate.id == ExamScore.candidate_id)
        .where(ExamCandidate.exam_id == exam_id)
        .limit(1)
    ).first():
        raise Conflict("Examiners have started scoring: the rubric can no longer change.")
    last = session.exec(
        select(func.max(ExamCriterion.sort_order)).where(ExamCriterion.exam_id == exam_id)
    ).one()
    criterion = ExamCriterion(exam_id=exam_id, **form.columns(), sort_order=(last or 0) + 1)
    session.add(criterion)
    session.flush()
    return criterion


def add_examiner(session: Session, *, exam_id: int, user_id: int) -> ExamExaminer:
    exam = _exam(session, exam_id)
    _open(exam)
    user = session.get(User, user_id)
    if user is None or user.role not in EXAMINER_ROLES or not user.is_active:
        raise FormErrors({"examiner_id": _l("Choose a teacher or industry mentor from the list.")})
    if _is_examiner(session, exam_id, user.id):
        raise FormErrors({"examiner_id": _l("This examiner is already on the panel.")})
    row = ExamExaminer(exam_id=exam_id, user_id=user.id)
    session.add(row)
    session.flush()
    return row


def add_candidate(session: Session, *, exam_id: int, student_id: int) -> ExamCandidate:
    """Enrol a candidate after the eligibility check, naming any missing condition."""
    exam = _exam(session, exam_id)
    _open(exam)
    student = session.get(User, student_id)
    if student is None or student.role != Role.student:
        raise FormErrors({"student_id": _l("Choose a student from the list.")})
    if session.exec(
        select(ExamCandidate.id).where(
            ExamCandidate.exam_id == exam_id, ExamCandidate.student_id == student.id
        )
    ).first():
        raise FormErrors({"student_id": _l("This student is already a candidate.")})
    check = eligibility.check_eligibility(
        session,
        student_id=student.id,
        type_id=exam.certificate_type_id,
        level=exam.level,
        on=exam.held_on,
    )
    if not check.ok:
        raise FormErrors(
            {
                "student_id": _l(
                    "%(name)s may not sit this level: %(problems)s",
                    name=student.full_name,
                    problems="；".join(str(p) for p in check.problems),
                )
            }
        )
    candidate = ExamCandidate(exam_id=exam_id, student_id=student.id)
    session.add(candidate)
    session.flush()
    return candidate


@dataclass
class CandidateLine:
    candidate: ExamCandidate
    student: User
    totals: dict[int, Decimal]  # examiner → complete total
    result: Decimal | None


@dataclass
class ExamView:
    exam: PracticalExam
    certificate: CertificateType
    criteria: list[ExamCriterion]
    examiners: list[User]
    candidates: list[CandidateLine]
    best: Decimal
    is_examiner: bool
    sheets: dict[tuple[int, int], dict[int, Decimal]]  # (candidate, examiner) → scores


def exam_view(session: Session, *, user: User, exam_id: int) -> ExamView:
    """An exam with its rubric, panel and candidates' results (6 statements)."""
    exam = get_exam_for(session, user=user, exam_id=exam_id)
    rubric = list(
        session.exec(
            select(ExamCriterion)
            .where(ExamCriterion.exam_id == exam_id)
            .order_by(ExamCriterion.sort_order)
        )
    )
    examiners = list(
        session.exec(
            select(User)
            .join(ExamExaminer, ExamExaminer.user_id == User.id)
            .where(ExamExaminer.exam_id == exam_id)
            .order_by(User.full_name)
        )
    )
    candidates = session.exec(
        select(ExamCandidate, User)
        .join(User, User.id == ExamCandidate.student_id)
        .where(ExamCandidate.exam_id == exam_id)
        .order_by(User.full_name)
    ).all()
    sheets: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(dict)
    for s in session.exec(
        select(ExamScore)
        .join(ExamCandidate, ExamCandidate.id == ExamScore.candidate_id)
        .where(ExamCandidate.exam_id == exam_id)
    ):
        sheets[(s.candidate_id, s.examiner_id)][s.criterion_id] = s.value
    weights = {c.id: c.weight for c in rubric}
    lines = []
    for candidate, student in candidates:
        totals = {
            examiner.id: judging_service.weighted_total(sheet, weights)
            for examiner in examiners
            if len(sheet := sheets.get((candidate.id, examiner.id), {})) == len(rubric) and rubric
        }
        lines.append(
            CandidateLine(
                candidate, student, totals, judging_service.trimmed_mean(list(totals.values()))
            )
        )
    return ExamView(
        exam=exam,
        certificate=session.get(CertificateType, exam.certificate_type_id),
        criteria=rubric,
        examiners=examiners,
        candidates=lines,
        best=judging_service.max_total((c.weight, c.max_score) for c in rubric),
        is_examiner=any(e.id == user.id for e in examiners),
        sheets=dict(sheets),
    )


def own_candidate(session: Session, *, examiner: User, exam_id: int, candidate_id: int):
    """The exam and candidate, for an examiner of that exam only (NotFound for others)."""
    if examiner.role not in EXAMINER_ROLES:
        raise Forbidden("Only examiners score candidates.")
    exam = session.get(PracticalExam, exam_id)
    candidate = session.get(ExamCandidate, candidate_id)
    if (
        exam is None
        or candidate is None
        or candidate.exam_id != exam_id
        or not _is_examiner(session, exam_id, examiner.id)
    ):
        raise NotFound("This candidate is not on an exam you examine.")
    return exam, candidate


def save_exam_scores(
    session: Session, *, examiner: User, exam_id: int, candidate_id: int, form: ScoresForm
) -> None:
    """An examiner's scores for one candidate, all or nothing."""
    exam, candidate = own_candidate(
        session, examiner=examiner, exam_id=exam_id, candidate_id=candidate_id
    )
    _open(exam)
    rubric = session.exec(select(ExamCriterion).where(ExamCriterion.exam_id == exam_id)).all()
    values = form.scores_for(rubric)
    existing = {
        s.criterion_id: s
        for s in session.exec(
            select(ExamScore).where(
                ExamScore.candidate_id == candidate.id, ExamScore.examiner_id == examiner.id
            )
        )
    }

    def new_score(criterion_id: int, value: Decimal) -> ExamScore:
        return ExamScore(
            candidate_id=candidate.id,
            examiner_id=examiner.id,
            criterion_id=criterion_id,
            value=value,
        )

    judging_service.write_scores(session, values, existing, new_score)
    session.flush()


def finalise_exam(session: Session, *, actor: User, exam_id: int, on: date | None = None) -> int:
    """Fix every candidate's result; issue the certificate to those at or above the pass
    mark (eligibility checked again). Returns how many certificates were issued."""
    view = exam_view(session, user=actor, exam_id=exam_id)
    exam = view.exam
    _open(exam)
    if not view.criteria:
        raise Conflict("The exam has no rubric yet.")
    issued = 0
    for line in view.candidates:
        candidate = line.candidate
        candidate.result = judging_service.q2(line.result) if line.result is not None else None
        candidate.passed = line.result is not None and line.result >= exam.pass_mark
        if candidate.passed:
            check = eligibility.check_eligibility(
                session,
                student_id=line.student.id,
                type_id=exam.certificate_type_id,
                level=exam.level,
                on=exam.held_on,
            )
            if check.ok:
                award = certificate_service.issue_award(
                    session,
                    actor=actor,
                    student=line.student,
                    type_id=exam.certificate_type_id,
                    level=exam.level,
                    issued_on=on or exam.held_on,
                    source=AwardSource.exam.value,
                    exam_id=exam.id,
                )
                candidate.award_id = award.id
                issued += 1
        session.add(candidate)
        notification_service.exam_result(session, exam=exam, candidate=candidate)
    exam.finalised_at = utcnow()
    session.add(exam)
    session.flush()
    return issued


def examiner_choices(session: Session) -> list[User]:
    return list(
        session.exec(
            select(User)
            .where(User.role.in_([r.value for r in EXAMINER_ROLES]), User.is_active)
            .order_by(User.full_name)
        )
    )
