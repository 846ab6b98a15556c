"""The evaluation scheme: its parameters, the form that edits them, and its versions.

Saving a scheme never edits a stored version: it adds the next one, so snapshots keep the
version they were computed with and nothing stored changes — only the computed scores.
"""

import copy
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.curriculum import CompetitionLevel
from app.models.evaluation import EvaluationScheme, Outcome

DIMENSIONS = ("competition", "income", "influence")
DIMENSION_LABELS = {
    "competition": N_("Competitions and awards"),
    "income": N_("Simulated entrepreneurship income"),
    "influence": N_("Self-employment and social influence"),
}
LEVELS = tuple(level.value for level in CompetitionLevel)
LEVEL_LABELS = {
    "school": N_("School"),
    "municipal": N_("Municipal"),
    "provincial": N_("Provincial"),
    "national": N_("National"),
    "international": N_("International"),
}
AWARDS = ("participation", "excellence", "third", "second", "first", "bronze", "silver", "gold")
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
OUTCOMES = tuple(outcome.value for outcome in Outcome)
OUTCOME_LABELS = {
    "self_employed": N_("Self-employed / entrepreneurship"),
    "employed_trade": N_("Employed in the trade"),
    "employed_other": N_("Employed elsewhere"),
    "further_study": N_("Further study"),
    "other": N_("Other"),
}
INCOME_MODES = ("percentile", "thresholds")

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
}


def default_params() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_PARAMS)


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


def form_values(params: dict[str, Any]) -> dict[str, str]:
    """The scheme's parameters as the text of the form's fields."""
    values = {f"w_{d}": str(params["weights"][d]) for d in DIMENSIONS}
    for level in LEVELS:
        for award in AWARDS:
            values[f"p_{level}_{award}"] = str(params["award_points"][level][award])
    for outcome in OUTCOMES:
        values[f"o_{outcome}"] = str(params["outcome_points"][outcome])
    values["competition_cap"] = str(params["competition_cap"])
    values["income_mode"] = params["income_mode"]
    values["income_thresholds"] = "\n".join(
        f"{_yuan(fen)}={points}" for fen, points in params["income_thresholds"]
    )
    for name in ("follower_factor", "growth_factor", "influence_cap"):
        values[name] = str(params[name])
    values["note"] = ""
    return values


def _yuan(fen: int) -> str:
    return f"{fen // 100}" if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def _int(values: dict, name: str, errors: dict, *, low: int, high: int) -> int:
    text = (values.get(name) or "").strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        errors[name] = _l("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
        return 0
    return int(text)


def _thresholds(text: str, errors: dict) -> list[list[int]]:
    result: list[list[int]] = []
    for line in text.replace("，", ",").replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        amount, sep, points = line.partition("=")
        try:
            yuan_value = float(amount.strip()) if sep else -1.0
        except ValueError:
            yuan_value = -1.0
        points = points.strip()
        if yuan_value < 0 or yuan_value > 1e9 or not (points.isdigit() and int(points) <= 100):
            errors["income_thresholds"] = _l(
                "Write one threshold per line as “income in yuan=points”, e.g. 1000=40 "
                "(points from 0 to 100)."
            )
            return []
        result.append([round(yuan_value * 100), int(points)])
    result.sort()
    if len(result) > 20:
        errors["income_thresholds"] = _l("List at most 20 thresholds.")
    if len({fen for fen, _p in result}) != len(result):
        errors["income_thresholds"] = _l("Each income threshold may appear once.")
    return result


def parse_form(values: dict[str, str]) -> dict[str, Any]:
    """Scheme parameters from the form's text, or ``FormErrors`` beside each bad field."""
    errors: dict[str, Any] = {}
    weights = {d: _int(values, f"w_{d}", errors, low=0, high=100) for d in DIMENSIONS}
    if not any(f"w_{d}" in errors for d in DIMENSIONS) and sum(weights.values()) != 100:
        errors["weights"] = _l(
            "The three weights must add up to 100 (now %(sum)s).", sum=sum(weights.values())
        )
    points = {
        level: {
            award: _int(values, f"p_{level}_{award}", errors, low=0, high=1000) for award in AWARDS
        }
        for level in LEVELS
    }
    if any(key.startswith("p_") for key in errors):
        errors.setdefault("award_points", _l("Award points must be whole numbers from 0 to 1000."))
    mode = (values.get("income_mode") or "").strip()
    if mode not in INCOME_MODES:
        errors["income_mode"] = _l("Choose how income is scaled.")
    thresholds = _thresholds(values.get("income_thresholds") or "", errors)
    if mode == "thresholds" and not thresholds and "income_thresholds" not in errors:
        errors["income_thresholds"] = _l("Scaling by thresholds needs at least one threshold.")
    params = {
        "weights": weights,
        "award_points": points,
        "competition_cap": _int(values, "competition_cap", errors, low=1, high=10000),
        "income_mode": mode,
        "income_thresholds": thresholds,
        "outcome_points": {o: _int(values, f"o_{o}", errors, low=0, high=100) for o in OUTCOMES},
        "follower_factor": _int(values, "follower_factor", errors, low=0, high=100),
        "growth_factor": _int(values, "growth_factor", errors, low=0, high=100),
        "influence_cap": _int(values, "influence_cap", errors, low=0, high=100),
    }
    if errors:
        raise FormErrors(errors)
    return params


def save_scheme(session: Session, *, actor: User, values: dict[str, str]) -> EvaluationScheme:
    """Store the form's parameters as the next version (stored versions never change)."""
    params = parse_form(values)
    note = (values.get("note") or "").replace("\x00", "").strip()
    if len(note) > 500:
        raise FormErrors({"note": _l("Keep the note under 500 characters.")})
    latest = session.exec(select(func.max(EvaluationScheme.version))).one() or 0
    scheme = EvaluationScheme(version=latest + 1, params=params, note=note, created_by_id=actor.id)
    session.add(scheme)
    session.flush()
    return scheme


def describe(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(label msgid, value) lines describing a scheme, for pages and exports."""
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
    for name in ("follower_factor", "growth_factor", "influence_cap"):
        lines.append((name, str(params[name])))
    return lines
