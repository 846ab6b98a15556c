"""A live session's script (话术) and product claims, checked; teachers' sign-offs; the
ready gate.

A hit is resolved when its text no longer says it (fixed) or when a teacher signed off
its key (rule code + hash of the sentence). Sign-offs are kept when the sentence
changes, so they apply again should the sentence come back word for word. The same
sentence said twice (in the script and in a product's claims) has one key: one sign-off
covers both.
"""

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.base import utcnow
from app.models.compliance import AdRule, ScriptSignOff
from app.models.teams import LiveSession, LiveSessionProduct, SessionStatus
from app.schemas.compliance import ScriptForm, SignOffForm
from app.services import teams as team_service
from app.services.compliance.checker import Hit, check_text
from app.services.compliance.rules import active_rules, category_labels


@dataclass
class Counts:
    total: int = 0
    unresolved: int = 0
    signed_off: int = 0
    by_category: Counter = field(default_factory=Counter)

    def add(self, hit: "HitView") -> None:
        self.total += 1
        self.by_category[hit.hit.rule.category] += 1
        if hit.signoff is None:
            self.unresolved += 1
        else:
            self.signed_off += 1


@dataclass
class HitView:
    hit: Hit
    signoff: ScriptSignOff | None
    teacher: User | None = None

    @property
    def rule(self) -> AdRule:
        return self.hit.rule


@dataclass
class CheckedText:
    """One text that was checked: the script, or one product's claims."""

    product: LiveSessionProduct | None
    text: str
    hits: list[HitView]

    def segments(self) -> list[tuple[str, HitView | None]]:
        """The text cut at the hits, for highlighting them inline."""
        pieces, at = [], 0
        for view in self.hits:
            if view.hit.start > at:
                pieces.append((self.text[at : view.hit.start], None))
            pieces.append((self.text[view.hit.start : view.hit.end], view))
            at = view.hit.end
        if at < len(self.text):
            pieces.append((self.text[at:], None))
        return pieces


@dataclass
class ScriptReview:
    live: LiveSession
    parts: list[CheckedText]
    counts: Counts
    categories: dict[str, AdRule]

    @property
    def hits(self) -> list[HitView]:
        return [view for part in self.parts for view in part.hits]


def _check(
    live: LiveSession,
    products: list[LiveSessionProduct],
    rules: list[AdRule],
    signoffs: dict[str, ScriptSignOff],
) -> tuple[list[CheckedText], Counts]:
    counts, parts = Counts(), []
    for product, text in [(None, live.script)] + [(p, p.claims) for p in products]:
        views = [HitView(hit, signoffs.get(hit.key)) for hit in check_text(text, rules)]
        for view in views:
            counts.add(view)
        parts.append(CheckedText(product, text, views))
    return parts, counts


def _products(session: Session, session_ids: list[int]) -> list[LiveSessionProduct]:
    return list(
        session.exec(
            select(LiveSessionProduct)
            .where(LiveSessionProduct.session_id.in_(session_ids))  # type: ignore[attr-defined]
            .order_by(LiveSessionProduct.sort_order, LiveSessionProduct.id)
        ).all()
    )


def _signoffs(session: Session, session_ids: list[int]) -> list[ScriptSignOff]:
    return list(
        session.exec(
            select(ScriptSignOff).where(ScriptSignOff.session_id.in_(session_ids))  # type: ignore[attr-defined]
        ).all()
    )


def review_live(session: Session, live: LiveSession) -> ScriptReview:
    """The checked script and claims of ``live`` (no access check: callers do it)."""
    rules = active_rules(session)
    signoffs = {s.hit_key: s for s in _signoffs(session, [live.id])}
    parts, counts = _check(live, _products(session, [live.id]), rules, signoffs)
    teachers = {s.teacher_id for s in signoffs.values() if s.teacher_id}
    people = (
        {u.id: u for u in session.exec(select(User).where(User.id.in_(teachers))).all()}  # type: ignore[attr-defined]
        if teachers
        else {}
    )
    for part in parts:
        for view in part.hits:
            if view.signoff is not None:
                view.teacher = people.get(view.signoff.teacher_id)
    return ScriptReview(live, parts, counts, category_labels(rules))


def script_review(session: Session, *, user: User, team_id: int, session_id: int) -> ScriptReview:
    """The checked script of a session ``user`` may see."""
    detail = team_service.session_detail(session, user=user, team_id=team_id, session_id=session_id)
    return review_live(session, detail.live)


def hit_counts(session: Session, live_session_ids: list[int]) -> dict[int, Counts]:
    """Hit counts per session (total, unresolved, signed off, per category): four queries."""
    ids = list(dict.fromkeys(live_session_ids))
    if not ids:
        return {}
    rules = active_rules(session)
    lives = session.exec(select(LiveSession).where(LiveSession.id.in_(ids))).all()  # type: ignore[attr-defined]
    products: dict[int, list[LiveSessionProduct]] = {i: [] for i in ids}
    for product in _products(session, ids):
        products[product.session_id].append(product)
    signoffs: dict[int, dict[str, ScriptSignOff]] = {i: {} for i in ids}
    for signoff in _signoffs(session, ids):
        signoffs[signoff.session_id][signoff.hit_key] = signoff
    return {live.id: _check(live, products[live.id], rules, signoffs[live.id])[1] for live in lives}


def _editable_live(session: Session, *, user: User, team_id: int, session_id: int) -> LiveSession:
    team_service.get_editable_team(session, user=user, team_id=team_id)
    detail = team_service.session_detail(session, user=user, team_id=team_id, session_id=session_id)
    return detail.live


def save_script(
    session: Session, *, user: User, team_id: int, session_id: int, form: ScriptForm
) -> tuple[LiveSession, bool]:
    """Store the script and the products' claims; returns the session and whether its
    ready mark was taken back because new unresolved hits appeared."""
    live = _editable_live(session, user=user, team_id=team_id, session_id=session_id)
    by_id = {p.id: p for p in _products(session, [live.id])}
    claims = form.product_claims()
    unknown = [pid for pid in claims if pid not in by_id]
    if unknown:
        raise FormErrors({"claims": _l("Choose products of this session.")})
    live.script = form.script
    session.add(live)
    for pid, text in claims.items():
        by_id[pid].claims = text
        session.add(by_id[pid])
    session.flush()
    cleared = False
    if live.ready_at is not None and review_live(session, live).counts.unresolved:
        live.ready_at, live.ready_by_id, cleared = None, None, True
        session.add(live)
        session.flush()
    return live, cleared


def sign_off(
    session: Session, *, user: User, team_id: int, session_id: int, form: SignOffForm
) -> ScriptSignOff:
    """A teacher accepts one hit now in the script, with a note saying why."""
    if not team_service.is_staff(user):
        raise Forbidden("Only teachers sign off hits of a script.")
    live = _editable_live(session, user=user, team_id=team_id, session_id=session_id)
    if form.hit_key not in {view.hit.key for view in review_live(session, live).hits}:
        raise FormErrors({"hit_key": _l("This hit is no longer in the script.")})
    row = session.exec(
        select(ScriptSignOff).where(
            ScriptSignOff.session_id == live.id, ScriptSignOff.hit_key == form.hit_key
        )
    ).first() or ScriptSignOff(session_id=live.id, hit_key=form.hit_key)
    row.note, row.teacher_id, row.signed_at = form.note, user.id, utcnow()
    session.add(row)
    session.flush()
    return row


def mark_ready(session: Session, *, user: User, team_id: int, session_id: int) -> LiveSession:
    """Mark the session ready to broadcast: every hit fixed or signed off (else Conflict)."""
    live = _editable_live(session, user=user, team_id=team_id, session_id=session_id)
    if live.status == SessionStatus.cancelled.value:
        raise Conflict("A cancelled session cannot be marked ready.")
    unresolved = review_live(session, live).counts.unresolved
    if unresolved:
        raise Conflict(
            "The script still has %(n)s unresolved hits: fix them or ask a teacher to sign "
            "them off before marking the session ready.",
            n=unresolved,
        )
    live.ready_at, live.ready_by_id = utcnow(), user.id
    session.add(live)
    session.flush()
    return live


def unmark_ready(session: Session, *, user: User, team_id: int, session_id: int) -> LiveSession:
    """Take the ready mark back (the script is to be reworked)."""
    live = _editable_live(session, user=user, team_id=team_id, session_id=session_id)
    live.ready_at, live.ready_by_id = None, None
    session.add(live)
    session.flush()
    return live


@dataclass
class SessionSummary:
    counts: Counts
    ready_by: User | None
    categories: dict[str, AdRule]


def session_summary(session: Session, live: LiveSession) -> SessionSummary:
    """What the session page shows of the script check: counts and who marked it ready."""
    review = review_live(session, live)
    ready_by = session.get(User, live.ready_by_id) if live.ready_by_id else None
    return SessionSummary(review.counts, ready_by, review.categories)
