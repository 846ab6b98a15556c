"""Forms of certificates: issuing by hand and in bulk, revoking, and practical exams with
their panel and candidates (their rubric and score sheets are judging's forms)."""

from typing import Any, ClassVar

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.schemas.base import FormModel
from app.schemas.contests import WordedForm
from app.schemas.fields import Count, Id, Number, Text
from app.schemas.times import LocalDate


class CertificateLevelForm(FormModel):
    """A certificate type and one of its levels (5, the lowest, to 1)."""

    certificate_type_id: Id
    level: Count(low=1, high=5, message=N_("Choose a level."))


class AwardIssueForm(CertificateLevelForm):
    student_id: Id
    issued_on: LocalDate()
    expires_on: LocalDate(required=False) = None

    def field_problems(self) -> dict[str, Any]:
        if (
            self.has("issued_on", "expires_on")
            and self.expires_on
            and self.expires_on < self.issued_on
        ):
            return {"expires_on": _l("The expiry date must be after the issue date.")}
        return {}


class ImportForm(CertificateLevelForm):
    """What a results file is issued as; its rows may give their own issue date."""

    issued_on: LocalDate()


class ExamForm(CertificateLevelForm):
    title: Text(200, required=True)
    held_on: LocalDate()
    pass_mark: Number(low=0, high=100000, places=2)


class ExaminerForm(FormModel):
    examiner_id: Id


class CandidateForm(FormModel):
    student_id: Id


class RevokeForm(WordedForm):
    missing: ClassVar[dict[str, str]] = {"reason": N_("Say why the certificate is revoked.")}
    reason: Text(1000)
