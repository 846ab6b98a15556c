"""Check that every natural key one seed file names exists where it points: each skill,
competition item, certificate unit and competency a module maps to, each post, course,
username, studio and team named, and each enumerated value (stages, methods, outcomes).

``seed`` refuses to run on files with a broken reference, so that a typo shows at once
instead of a mapping that silently goes missing.
"""

from collections import Counter
from pathlib import Path

from app.models.contests import AwardKind
from app.models.curriculum import (
    CERTIFICATE_LEVELS,
    SEMESTERS,
    CollegeTier,
    CompetitionLevel,
    CourseKind,
    TeachingMethod,
    VersionStatus,
)
from app.models.evaluation import Outcome
from app.models.studios import Purpose
from app.models.teams import Platform, TeamStage
from seeds.loader import CATALOGUE_DIR, DEMO_DIR, read

WEEKDAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}


class Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def known(self, where: str, values, allowed) -> None:
        """Every one of ``values`` is in ``allowed``."""
        for value in [values] if isinstance(values, str | int) else values:
            if value not in allowed:
                self.problems.append(f"{where}: unknown {value!r}")

    def unique(self, where: str, values) -> set:
        for value, n in Counter(values).items():
            if n > 1:
                self.problems.append(f"{where}: {value!r} appears {n} times")
        return set(values)


def _usernames(people: dict) -> set[str]:
    """The demo usernames at scale 1 (a larger scale adds to them)."""
    names = {people["admin"]["username"]}
    for role, count in people["per_scale"].items():
        if role != "cohort":
            names |= {f"{role}{n}" for n in range(1, count + 1)}
    return names


def _catalogue(c: Checker, directory: Path) -> dict[str, set]:
    posts = read("posts.json", directory)
    competitions = read("competitions.json", directory)
    certificates = read("certificates.json", directory)
    keys = {
        "posts": c.unique("posts.json", [p["code"] for p in posts]),
        "skills": c.unique("posts.json skills", [s["code"] for p in posts for s in p["skills"]]),
        "competencies": c.unique(
            "competencies.json", [x["code"] for x in read("competencies.json", directory)]
        ),
        "competitions": c.unique("competitions.json", [x["code"] for x in competitions]),
        "competition_items": c.unique(
            "competitions.json items", [i["code"] for x in competitions for i in x["items"]]
        ),
        "certificates": c.unique("certificates.json", [x["code"] for x in certificates]),
        "certificate_units": c.unique(
            "certificates.json units", [u["code"] for x in certificates for u in x["units"]]
        ),
    }
    for x in competitions:
        where = f"competitions.json {x['code']}"
        c.known(f"{where} posts", x["posts"], keys["posts"])
        c.known(f"{where} level", x["level"], set(CompetitionLevel))
        c.known(f"{where} tier", x["tier"], set(CollegeTier))
        c.known(f"{where} entry_semester", x["entry_semester"], SEMESTERS)
    keys["certificate_levels"] = {}
    for x in certificates:
        where = f"certificates.json {x['code']}"
        levels = {int(level) for level in x["min_training_hours"]}
        keys["certificate_levels"][x["code"]] = levels
        c.known(f"{where} posts", x["posts"], keys["posts"])
        c.known(f"{where} levels", levels, CERTIFICATE_LEVELS)
        c.known(f"{where} unit levels", [u["level"] for u in x["units"]], levels)
    return keys


def _programme(c: Checker, keys: dict, programme: dict, people: dict) -> None:
    where = "programme.json"
    c.known(f"{where} major", programme["major"], {people["cohorts"]["major"]})
    courses = c.unique(f"{where} courses", [x["code"] for x in programme["courses"]])
    for course in programme["courses"]:
        at = f"{where} {course['code']}"
        c.known(f"{at} semester", course["semester"], SEMESTERS)
        c.known(f"{at} kind", course["kind"], set(CourseKind))
        for n, module in enumerate(course["modules"], start=1):
            c.known(f"{at} module {n} method", module["teaching_method"], set(TeachingMethod))
            for name in ("skills", "competition_items", "certificate_units", "competencies"):
                c.known(f"{at} module {n} {name}", module.get(name, []), keys[name])
    for version in programme["versions"]:
        at = f"{where} version {version['number']}"
        c.known(f"{at} status", version["status"], set(VersionStatus))
        c.known(f"{at} moves", list(version.get("moves", {})), courses)
        c.known(f"{at} drops", version.get("drops", []), courses)
        c.known(f"{at} moved to", list(version.get("moves", {}).values()), SEMESTERS)


def _demo(c: Checker, keys: dict, directory: Path) -> None:
    people = read("people.json", directory)
    usernames = _usernames(people)
    c.known("people.json logins", people["logins"], usernames)
    c.known("people.json full_names", list(people["full_names"]), usernames)
    c.known("people.json mentors expertise", sum(people["mentors"]["expertise"], []), keys["posts"])
    _programme(c, keys, read("programme.json", directory), people)

    studios = read("studios.json", directory)
    names = c.unique("studios.json", [s["name"] for s in studios["studios"]])
    for studio in studios["studios"]:
        c.known(f"studios.json {studio['name']} hours", list(studio["hours"]), WEEKDAYS)
        c.known(f"studios.json {studio['name']} approver", studio.get("approver", []), usernames)
    c.known("studios.json purposes", list(studios["bookings"]["purposes"]), set(Purpose))
    c.known("studios.json blackouts", [b["studio"] for b in studios["blackouts"]], names)
    c.known("studios.json unmet_demand", studios["unmet_demand"]["studios"], names)
    c.known("studios.json unmet_demand purpose", studios["unmet_demand"]["purpose"], set(Purpose))

    teams = read("teams.json", directory)
    team_names = c.unique("teams.json", [t["name"] for t in teams["teams"]])
    c.known("teams.json stages", teams["stages"], set(TeamStage))
    c.known("teams.json team stages", [t["stage"] for t in teams["teams"]], teams["stages"])
    c.known("teams.json mentors", [t["mentor"] for t in teams["teams"] if "mentor" in t], usernames)
    c.known("teams.json member_posts", teams["member_posts"], keys["posts"])
    c.known("teams.json earlier_post", teams["earlier_post"], keys["posts"])
    c.known("teams.json platforms", teams["platforms"], set(Platform))
    c.known("teams.json per_week", list(teams["live_sessions"]["per_week"]), teams["stages"])

    contests = read("contests.json", directory)
    editions = [contests["finished_edition"], contests["open_edition"]]
    c.known("contests.json editions", [e["competition"] for e in editions], keys["competitions"])
    c.known("contests.json demo_judges", contests["demo_judges"], usernames)
    c.known("contests.json external_result team", contests["external_result"]["team"], team_names)
    c.known(
        "contests.json external_result award", contests["external_result"]["award"], set(AwardKind)
    )
    quotas = contests["finished_edition"]["provincial_round"]["quotas"]
    c.known("contests.json quotas", list(quotas), set(AwardKind))
    certificate = contests["certificates"]
    c.known("contests.json certificate", certificate["type"], keys["certificates"])
    levels = keys["certificate_levels"].get(certificate["type"], set())
    c.known(
        "contests.json certificate levels",
        [certificate["level"], certificate["exam"]["level"]],
        levels,
    )

    outcomes = read("outcomes.json", directory)
    c.known("outcomes.json shares", list(outcomes["shares"]), set(Outcome))
    if sum(outcomes["shares"].values()) != 100:
        c.problems.append("outcomes.json shares: do not add up to 100")


def problems(catalogue_dir: Path = CATALOGUE_DIR, demo_dir: Path = DEMO_DIR) -> list[str]:
    """Every broken reference or unknown value in the seed files, as readable lines."""
    checker = Checker()
    keys = _catalogue(checker, catalogue_dir)
    _demo(checker, keys, demo_dir)
    return checker.problems
