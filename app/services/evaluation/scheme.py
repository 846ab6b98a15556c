"""The evaluation scheme: its parameters, the form that edits them, and its versions.

Saving a scheme never edits a stored version: it adds the next one, so snapshots keep the
version they were computed with and nothing stored changes — only the computed scores.
"""

import copy
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import NotFound
from app.i18n import N_
from app.models import User
from app.models.evaluation import EvaluationScheme
from app.schemas.base import FormValues
from app.schemas.evaluation import AWARDS, DIMENSIONS, LEVELS, OUTCOMES, SchemeForm

DIMENSION_LABELS = {
    "competition": N_("Competitions and awards"),
    "income": N_("Simulated entrepreneurship income"),
    "influence": N_("Self-employment and social influence"),
}
LEVEL_LABELS = {
    "school": N_("School"),
    "municipal": N_("Municipal"),
    "provincial": N_("Provincial"),
    "national": N_("National"),
    "international": N_("International"),
}
AWARD_LABELS = {
    "participation": N_("Participation"),
    "excellence": N_("Excellence award"),
    "third": N_("Third prize"),
    "second": N_("Second prize"),
    "first": N_("First prize"),
    "bronze": N_("Bronze"),
    "silver": N_("Silver"),
    "gold": N_("Gold"),
}
OUTCOME_LABELS = {
    "self_employed": N_("Self-employed / entrepreneurship"),
    "employed_trade": N_("Employed in the trade"),
    "employed_other": N_("Employed elsewhere"),
    "further_study": N_("Further study"),
    "other": N_("Other"),
}

_BASE = {
    "participation": 2,
    "excellence": 3,
    "third": 5,
    "second": 8,
    "first": 12,
    "bronze": 5,
    "silver": 8,
    "gold": 12,
}
_LEVEL_FACTOR = {"school": 1, "municipal": 1.5, "provincial": 2, "national": 4, "international": 6}

DEFAULT_PARAMS: dict[str, Any] = {
    "weights": {"competition": 40, "income": 35, "influence": 25},
    "award_points": {
        level: {award: int(points * factor) for award, points in _BASE.items()}
        for level, factor in _LEVEL_FACTOR.items()
    },
    "competition_cap": 100,
    "income_mode": "percentile",
    # [minimum income in fen, points]: the highest threshold reached gives the points
    "income_thresholds": [[1, 20], [100000, 40], [500000, 60], [2000000, 80], [5000000, 100]],
    "outcome_points": {
        "self_employed": 60,
        "employed_trade": 45,
        "further_study": 35,
        "employed_other": 25,
        "other": 10,
    },
    "follower_factor": 8,  # points per tenfold of followers
    "growth_factor": 6,  # points per tenfold of follower growth in the period
    "influence_cap": 40,
    # every result adds up, or only the best of each contest (a competition in one year)
    "award_stacking": "all",
    # the percentile's denominator: every student of the cohort, or those with income
    "percentile_base": "cohort",
    # an outcome counts when dated by the period's end, or only when within the period
    "outcome_dates": "by_period_end",
}
# Versions saved before a rule became a parameter followed these rules; reading them with
# these values keeps what they computed.
RULE_DEFAULTS = {
    "award_stacking": "all",
    "percentile_base": "cohort",
    "outcome_dates": "by_period_end",
}
CHOICES = {
    "income_mode": {
        "percentile": N_("Percentile within the cohort"),
        "thresholds": N_("Income thresholds"),
    },
    "award_stacking": {
        "all": N_("Every result adds up"),
        "best_per_contest": N_("Only the best result of each contest"),
    },
    "percentile_base": {
        "cohort": N_("Every student of the cohort"),
        "earners": N_("Students with income only"),
    },
    "outcome_dates": {
        "by_period_end": N_("Dated by the period's end (also before it)"),
        "within_period": N_("Dated within the period only"),
    },
}


_INFLUENCE = ("follower_factor", "growth_factor", "influence_cap")


def default_params() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_PARAMS)


def complete(params: dict[str, Any]) -> dict[str, Any]:
    """The parameters with every rule present (older versions lack the newer rules)."""
    return {**RULE_DEFAULTS, **params}


_NEWEST_SCHEME = select(EvaluationScheme).order_by(EvaluationScheme.version.desc()).limit(1)  # type: ignore[attr-defined]


def current_scheme(session: Session) -> EvaluationScheme:
    """The newest version; the default (version 1, not yet stored) when none is saved."""
    scheme = session.exec(_NEWEST_SCHEME).first()
    return scheme or EvaluationScheme(version=1, params=default_params(), note="")


def ensure_scheme(session: Session) -> EvaluationScheme:
    """The newest stored version, storing the default as version 1 when none is."""
    scheme = current_scheme(session)
    if scheme.id is None:
        session.add(scheme)
        session.flush()
    return scheme


def get_scheme(session: Session, *, scheme_id: int) -> EvaluationScheme:
    scheme = session.get(EvaluationScheme, scheme_id)
    if scheme is None:
        raise NotFound("This scheme version does not exist.")
    return scheme


def list_versions(session: Session) -> list[tuple[EvaluationScheme, str | None]]:
    """Every saved version, newest first, with its author's name."""
    rows = session.exec(
        select(EvaluationScheme, User.full_name)
        .outerjoin(User, User.id == EvaluationScheme.created_by_id)
        .order_by(EvaluationScheme.version.desc())  # type: ignore[attr-defined]
    ).all()
    return [(scheme, name) for scheme, name in rows]


# --- the form ------------------------------------------------------------------------


def form_values(params: dict[str, Any]) -> FormValues:
    """The scheme's parameters as the form's inputs show them."""
    values = {f"w_{d}": params["weights"][d] for d in DIMENSIONS}
    for level in LEVELS:
        for award in AWARDS:
            values[f"p_{level}_{award}"] = params["award_points"][level][award]
    for outcome in OUTCOMES:
        values[f"o_{outcome}"] = params["outcome_points"][outcome]
    values["income_thresholds"] = "\n".join(
        f"{_yuan(fen)}={points}" for fen, points in params["income_thresholds"]
    )
    params = complete(params)
    for name in ("competition_cap", "income_mode", *_INFLUENCE, *RULE_DEFAULTS):
        values[name] = params[name]
    return SchemeForm.initial(**values, note="")


def _yuan(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def save_scheme(session: Session, *, actor: User, form: SchemeForm) -> EvaluationScheme:
    """Store the form's parameters as the next version (stored versions never change)."""
    latest = session.exec(select(func.max(EvaluationScheme.version))).one() or 0
    scheme = EvaluationScheme(
        version=latest + 1, params=form.params(), note=form.note, created_by_id=actor.id
    )
    session.add(scheme)
    session.flush()
    return scheme


def describe(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(label key, value) lines describing a scheme, for pages and exports; the values of
    choices are codes (``CHOICES`` labels them)."""
    params = complete(params)
    lines = [(f"weight.{d}", str(params["weights"][d])) for d in DIMENSIONS]
    lines.append(("competition_cap", str(params["competition_cap"])))
    for level in LEVELS:
        row = params["award_points"][level]
        lines.append((f"points.{level}", " / ".join(str(row[a]) for a in AWARDS)))
    lines.append(("income_mode", params["income_mode"]))
    lines.append(
        (
            "income_thresholds",
            "; ".join(f"≥{_yuan(fen)}→{pts}" for fen, pts in params["income_thresholds"]),
        )
    )
    for outcome in OUTCOMES:
        lines.append((f"outcome.{outcome}", str(params["outcome_points"][outcome])))
    for name in _INFLUENCE:
        lines.append((name, str(params[name])))
    for name in RULE_DEFAULTS:
        lines.append((name, params[name]))
    return lines
