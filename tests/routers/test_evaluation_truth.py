"""On the demo data, every student's score page adds up: the listed shares sum to the
income it states, each session's shares sum to the session's income, and the arithmetic
shown gives the scores shown."""

import re
from decimal import Decimal

from sqlmodel import select

from app import db
from app.main import create_app
from app.models import StudentProfile, User
from app.services.clock import today
from app.services.evaluation import figures
from app.services.evaluation.scoring import academic_year
from tests.conftest import WebClient


def _yuan(text: str) -> int:
    """'¥20,780.76' as fen."""
    whole, cents = text.lstrip("¥").replace(",", "").split(".")
    return int(whole) * 100 + int(cents)


def test_every_sessions_shares_add_up_to_its_income(demo_database):
    db.configure_engine(demo_database)
    shares = figures.session_shares(academic_year(today()))
    with db.open_session() as session:
        rows = session.exec(select(shares.c.sid, shares.c.income, shares.c.share)).all()
    assert rows, "the demo data has live sessions in this academic year"
    totals: dict[int, list[int]] = {}
    for sid, income, share in rows:
        totals.setdefault(sid, [income, 0])[1] += share
    uneven = {sid: pair for sid, pair in totals.items() if pair[0] != pair[1]}
    assert not uneven
    assert any(income % 3 for income, _ in totals.values()), "some income does not split evenly"


def test_every_demo_students_score_page_adds_up(demo_database):
    db.configure_engine(demo_database)
    with db.open_session() as session:
        admin = session.exec(select(User).where(User.username == "admin")).one()
        students = session.exec(select(StudentProfile.user_id)).all()
    with db.open_session(write=True) as session:  # this module's own copy of the demo data
        admin.locale = "en"
        session.add(admin)
        session.commit()
        session.refresh(admin)
    assert len(students) >= 20
    with WebClient(create_app(), raise_server_exceptions=False) as client:
        client.login_as(admin)
        with_income = 0
        for student_id in students:
            page = client.get(f"/evaluation/students/{student_id}")
            assert page.status_code == 200, page.text[:300]
            with_income += _check_page(page.text, student_id)
    assert with_income >= 10, "the demo data gives most students some income"


def _check_page(html: str, student_id: int) -> bool:
    text = re.sub(r"<[^>]+>", " ", html)
    text = re.sub(r"\s+", " ", text)
    stated = re.search(r"Income: the sum of the shares below, (¥[\d,]+\.\d\d)", text)
    assert stated, (student_id, text[:500])
    shares = re.findall(r'<td class="num">(¥[\d,]+\.\d\d)</td></tr>', html)
    listed = re.search(r'id="shares-sum">(¥[\d,]+\.\d\d)<', html)
    if listed is None:  # no session in the period: no table, and no income
        assert _yuan(stated.group(1)) == 0, student_id
        return False
    assert sum(_yuan(s) for s in shares) == _yuan(listed.group(1)) == _yuan(stated.group(1))
    _check_competition(text, student_id)
    _check_influence(text, student_id)
    return True


def _check_competition(text: str, student_id: int) -> None:
    points = re.search(r"Points of the counted results: ([\d +]+) = (\d+)\.", text)
    assert points, (student_id, text[:800])
    assert sum(int(n) for n in points.group(1).split("+")) == int(points.group(2))
    score = re.search(r"Score = min\((\d+), (\d+)\) × 100 ÷ \d+ = ([\d.]+)\.", text)
    raw, cap, shown = int(score.group(1)), int(score.group(2)), Decimal(score.group(3))
    assert (Decimal(min(raw, cap)) * 100 / cap).quantize(Decimal("0.01")) == shown


def _check_influence(text: str, student_id: int) -> None:
    score = re.search(r"Score = (\d+) \+ ([\d.]+) = ([\d.]+) \(at most 100\)", text)
    assert score, (student_id, text[:800])
    outcome, reach, shown = (Decimal(score.group(n)) for n in (1, 2, 3))
    assert min(Decimal(100), outcome + reach) == shown
