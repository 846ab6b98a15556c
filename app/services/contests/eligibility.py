"""A track's eligibility rules applied to a would-be entry: team size, advisors, the
business's age and past national winners. Every rule the entry breaks is named.
"""

from datetime import date

from sqlmodel import Session, select

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.contests import AwardKind, Track
from app.models.curriculum import CompetitionLevel
from app.services.contests.awards import award_facts


def _years_between(start: date, end: date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def eligibility_problems(
    session: Session,
    *,
    track: Track,
    member_ids: list[int],
    college_ids: list[int],
    enterprise_ids: list[int],
    business_registered_on: date | None,
    on: date,
) -> dict[str, object]:
    """The track's rules this entry breaks, as {field: message} (empty when eligible)."""
    problems: dict[str, object] = {}

    def bounds(count, low, high, field_name, what_low, what_high):
        if low is not None and count < low:
            problems[field_name] = _l(what_low, n=low, count=count)
        elif high is not None and count > high:
            problems[field_name] = _l(what_high, n=high, count=count)

    bounds(
        len(member_ids),
        track.min_members,
        track.max_members,
        "member_ids",
        N_("This track needs at least %(n)s members; the entry has %(count)s."),
        N_("This track allows at most %(n)s members; the entry has %(count)s."),
    )
    bounds(
        len(college_ids),
        track.min_college_mentors,
        track.max_college_mentors,
        "college_ids",
        N_("This track needs at least %(n)s college advisors; the entry has %(count)s."),
        N_("This track allows at most %(n)s college advisors; the entry has %(count)s."),
    )
    bounds(
        len(enterprise_ids),
        track.min_enterprise_mentors,
        track.max_enterprise_mentors,
        "enterprise_ids",
        N_("This track needs at least %(n)s enterprise advisors; the entry has %(count)s."),
        N_("This track allows at most %(n)s enterprise advisors; the entry has %(count)s."),
    )
    if track.requires_business:
        if business_registered_on is None:
            problems["business_registered_on"] = _l(
                "This track is for registered businesses: enter the date the business was "
                "registered."
            )
        elif business_registered_on > on:
            problems["business_registered_on"] = _l("The registration date is in the future.")
        elif (
            track.max_business_age_years is not None
            and _years_between(business_registered_on, on) >= track.max_business_age_years
        ):
            problems["business_registered_on"] = _l(
                "The business must be under %(n)s years old; it was registered on %(day)s.",
                n=track.max_business_age_years,
                day=business_registered_on.isoformat(),
            )
    if track.excludes_national_winners and member_ids:
        facts = award_facts().subquery()
        winners = session.exec(
            select(User.full_name)
            .join(facts, facts.c.student_id == User.id)
            .where(
                facts.c.student_id.in_(member_ids),
                facts.c.level == CompetitionLevel.national.value,
                facts.c.award.in_((AwardKind.gold.value, AwardKind.silver.value)),
            )
            .distinct()
        ).all()
        if winners:
            problems["member_ids"] = _l(
                "Past national gold or silver winners may not enter this track: %(names)s.",
                names="、".join(sorted(winners)),
            )
    return problems
