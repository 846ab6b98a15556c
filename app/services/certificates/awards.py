"""Certificate awards: issuing (unique number, random verification code), revoking,
viewing, and the public verification. Who may sit which level: certificate_eligibility.
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, delete, func
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors, NotFound, TooManyAttempts
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.base import utcnow
from app.models.certificates import (
    AwardSource,
    AwardStatus,
    CertificateAward,
    VerifyAttempt,
)
from app.models.curriculum import (
    CertificateType,
)
from app.schemas.certificates import AwardIssueForm
from app.services import notifications as notification_service
from app.services.certificates.eligibility import check_eligibility
from app.services.clock import today
from app.services.pagination import paginate

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to type from paper
CODE_LENGTH = 12  # 32^12 = 2^60 codes
VERIFY_WINDOW = timedelta(minutes=10)
VERIFY_MAX_MISSES = 10  # unknown codes from one address per window before 429
VERIFY_KEEP = timedelta(days=1)
STATUS_LABELS = {"valid": N_("Valid"), "revoked": N_("Revoked"), "expired": N_("Expired")}
SOURCE_LABELS = {"exam": N_("Practical exam"), "bulk": N_("Bulk issue"), "manual": N_("By hand")}


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _new_number(session: Session, year: int) -> str:
    while True:
        number = f"CJ{year}{secrets.randbelow(10**8):08d}"
        if not session.exec(
            select(CertificateAward.id).where(CertificateAward.number == number)
        ).first():
            return number


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧**娜, Li Ming → L* M***: enough to match a person in front
    of you, not enough to learn a stranger's name."""
    name = (name or "").strip()
    if " " in name:
        return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# --- issuing and revoking ----------------------------------------------------------------------


def issue_award(
    session: Session,
    *,
    actor: User | None,
    student: User,
    type_id: int,
    level: int,
    issued_on: date,
    expires_on: date | None = None,
    source: str = AwardSource.manual.value,
    exam_id: int | None = None,
    number: str | None = None,
) -> CertificateAward:
    """Issue a certificate (callers check eligibility first)."""
    award = CertificateAward(
        number=number or _new_number(session, issued_on.year),
        certificate_type_id=type_id,
        level=level,
        holder_id=student.id,
        holder_name=student.full_name,
        issued_on=issued_on,
        expires_on=expires_on,
        verification_code=new_code(),
        source=source,
        exam_id=exam_id,
        issued_by_id=actor.id if actor else None,
    )
    session.add(award)
    session.flush()
    notification_service.certificate_issued(session, award=award)
    return award


def issue_by_hand(session: Session, *, actor: User, form: AwardIssueForm) -> CertificateAward:
    """Admin issues one certificate, after the eligibility check."""
    errors: dict = {}
    student = session.get(User, form.student_id)
    if student is None or student.role != Role.student:
        errors["student_id"] = _l("Choose a student from the list.")
    cert = session.get(CertificateType, form.certificate_type_id)
    if cert is None:
        errors["certificate_type_id"] = _l("Choose a certificate from the list.")
    if not errors:
        check = check_eligibility(session, student_id=student.id, type_id=cert.id, level=form.level)
        if not check.ok:
            errors["student_id"] = _l(
                "Not eligible: %(problems)s", problems="；".join(str(p) for p in check.problems)
            )
    if errors:
        raise FormErrors(errors)
    return issue_award(
        session,
        actor=actor,
        student=student,
        type_id=cert.id,
        level=form.level,
        issued_on=form.issued_on,
        expires_on=form.expires_on,
    )


def revoke_award(session: Session, *, actor: User, award_id: int, reason: str) -> CertificateAward:
    """Revoke an award, saying why (``RevokeForm``)."""
    if actor.role != Role.admin:
        raise Forbidden("Only an administrator can revoke a certificate.")
    award = session.get(CertificateAward, award_id)
    if award is None:
        raise NotFound("This certificate award does not exist.")
    if award.status == AwardStatus.revoked:
        raise Conflict("This certificate is already revoked.")
    award.status = AwardStatus.revoked.value
    award.revoked_at = utcnow()
    award.revoked_by_id = actor.id
    award.revoke_reason = reason
    session.add(award)
    session.flush()
    return award


# --- viewing -----------------------------------------------------------------------------------


@dataclass
class AwardView:
    award: CertificateAward
    certificate: CertificateType
    holder: User
    status: str


def _can_see(user: User, award: CertificateAward) -> bool:
    return user.role in (Role.admin, Role.teacher) or award.holder_id == user.id


def award_view(session: Session, *, user: User, award_id: int) -> AwardView:
    """An award for its holder or staff; anyone else gets NotFound."""
    award = session.get(CertificateAward, award_id)
    if award is None or not _can_see(user, award):
        raise NotFound("This certificate award does not exist.")
    return AwardView(
        award,
        session.get(CertificateType, award.certificate_type_id),
        session.get(User, award.holder_id),
        award.status_on(today()),
    )


@dataclass
class AwardRow:
    award: CertificateAward
    certificate: CertificateType
    status: str


def list_awards(
    session: Session, *, q: str = "", page: int, per_page: int
) -> tuple[list[AwardRow], int]:
    """Every award, newest first; ``q`` matches the number or the holder's name."""
    query = select(CertificateAward, CertificateType).join(
        CertificateType, CertificateType.id == CertificateAward.certificate_type_id
    )
    q = (q or "").strip()[:100]
    if q:
        like = f"%{q}%"
        query = query.where(
            CertificateAward.number.ilike(like) | CertificateAward.holder_name.ilike(like)
        )
    query = query.order_by(CertificateAward.issued_on.desc(), CertificateAward.id.desc())
    items, total = paginate(session, query, page=page, per_page=per_page)
    on = today()
    return [AwardRow(a, c, a.status_on(on)) for a, c in items], total


_AWARDS_OF = (  # on every student dashboard: built once
    select(CertificateAward, CertificateType)
    .join(CertificateType, CertificateType.id == CertificateAward.certificate_type_id)
    .where(CertificateAward.holder_id == bindparam("student_id"))
    .order_by(CertificateAward.issued_on.desc())
)


def awards_of(session: Session, *, student_id: int) -> list[AwardRow]:
    on = today()
    rows = session.exec(_AWARDS_OF, params={"student_id": student_id}).all()
    return [AwardRow(a, c, a.status_on(on)) for a, c in rows]


# --- public verification -----------------------------------------------------------------------


@dataclass
class Verification:
    award: CertificateAward
    certificate: CertificateType
    status: str
    masked_name: str


def verify_code(session: Session, *, code: str, ip_address: str) -> Verification:
    """Look a verification code, or a certificate number, up for the public. Each lookup
    is recorded by address; an address with too many unknown codes in the window gets
    TooManyAttempts (429) before any lookup.

    This writes on a GET on purpose: the attempt log is bookkeeping against guessing,
    not a change of any record the page shows.
    """
    now = utcnow()
    ip_address = (ip_address or "unknown")[:64]
    misses = session.exec(
        select(func.count(VerifyAttempt.id)).where(
            VerifyAttempt.ip_address == ip_address,
            VerifyAttempt.found.is_(False),
            VerifyAttempt.attempted_at > now - VERIFY_WINDOW,
        )
    ).one()
    if misses >= VERIFY_MAX_MISSES:
        raise TooManyAttempts(
            "Too many lookups from your address. Wait a few minutes and try again."
        )
    code = (code or "").strip().upper()
    award = None
    if 0 < len(code) <= 40:  # a verification code, or the certificate's number
        award = session.exec(
            select(CertificateAward).where(
                (CertificateAward.verification_code == code)
                | (func.upper(CertificateAward.number) == code)
            )
        ).first()
    session.exec(delete(VerifyAttempt).where(VerifyAttempt.attempted_at < now - VERIFY_KEEP))
    session.add(VerifyAttempt(ip_address=ip_address, found=award is not None, attempted_at=now))
    session.flush()
    if award is None:
        raise NotFound("No certificate has this verification code or number.")
    return Verification(
        award,
        session.get(CertificateType, award.certificate_type_id),
        award.status_on(today()),
        mask_name(award.holder_name),
    )
