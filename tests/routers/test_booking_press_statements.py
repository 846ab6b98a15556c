"""What one booking press costs in statements, and that what it keeps changes at once.

In a booking rush almost every press is refused, and on PostgreSQL a press costs per
statement: a refused press reads its tokens and the booker's rows (one statement: strikes,
blackouts, quotas, the clash, and the booker's teams for the form), and writes its refusal.
The studio, its hours, the term and its kits are kept (bookings.kept.kept_press)."""

from datetime import timedelta

from sqlmodel import select

from app.models.studios import Studio, StudioHours
from app.models.terms import Term
from app.services import clock
from tests.factories import make_student, make_teacher
from tests.factories_kits import make_item
from tests.factories_studios import local, make_blackout, make_booking, make_studio, next_weekday
from tests.factories_teams import make_team

DAY = next_weekday(2)
HX = {"HX-Request": "true"}
# Read once and kept: a refused press in a rush must not read them again.
KEPT_READS = ("FROM studio ", "FROM studio_hours", "FROM term", "FROM equipment_item")


def press(client, studio, time="10:00"):
    form = {"date": DAY.isoformat(), "time": time, "minutes": "60", "purpose": "personal"}
    return client.post_form(f"/studios/{studio.id}/book", form, headers=HX)


def _taken_studio(session):
    studio, owner, late = make_studio(session), make_student(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=local(DAY, "10:00"))
    session.commit()
    return studio, late


def test_a_refused_press_reads_tokens_its_rows_and_teams_and_writes_its_refusal(
    client, session, statement_counter
):
    studio, late = _taken_studio(session)
    client.login(late.username)
    assert press(client, studio).status_code == 409  # the first press keeps the studio's
    with statement_counter() as statements:
        response = press(client, studio)
    assert response.status_code == 409 and "该时段已被预约" in response.text
    assert "11:00" in response.text  # the next free time, kept too
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    writes = [s for s in statements if not s.lstrip().upper().startswith("SELECT")]
    # the login, the tokens, the booker's rows and teams (one statement): no more
    assert len(reads) == 3, reads
    assert len(writes) == 1 and "booking_refusal" in writes[0]
    assert not [s for s in reads if any(kept in s for kept in KEPT_READS)]


def test_an_accepted_press_reads_the_studio_from_the_kept_press(client, session, statement_counter):
    studio, late = _taken_studio(session)
    client.login(late.username)
    press(client, studio)  # keeps the studio's press
    with statement_counter() as statements:
        assert press(client, studio, "12:00").status_code == 200
    booking_part = statements[
        : next(i for i, s in enumerate(statements) if "INSERT INTO booking" in s)
    ]
    assert not [s for s in booking_part if any(kept in s for kept in KEPT_READS)]
    assert len(statements) <= 17, statements  # 27 before the kept press and one-statement rules


def test_a_studio_taken_out_of_service_refuses_the_next_press_at_once(client, session):
    studio, late = _taken_studio(session)
    client.login(late.username)
    assert press(client, studio).status_code == 409
    session.get(Studio, studio.id).is_active = False
    session.commit()  # the test's own connection: another worker, as far as the app knows
    response = press(client, studio)
    assert response.status_code == 422 and "该实训室已停止使用" in response.text


def test_changed_opening_hours_are_seen_by_the_next_press(client, session):
    studio, late = _taken_studio(session)
    client.login(late.username)
    assert press(client, studio).status_code == 409
    for row in session.exec(select(StudioHours).where(StudioHours.studio_id == studio.id)):
        row.opens = 11 * 60
    session.commit()
    response = press(client, studio)
    assert response.status_code == 422 and "并非全程开放" in response.text


def test_a_new_kit_shows_in_the_next_refused_panel(client, session):
    studio, late = _taken_studio(session)
    client.login(late.username)
    assert press(client, studio).status_code == 409
    make_item(session, name_zh="环形补光灯", name_en="Ring light", studio_id=studio.id)
    session.commit()
    assert "环形补光灯" in press(client, studio).text


def test_a_blackout_added_after_a_press_refuses_the_next(client, session):
    studio, late = _taken_studio(session)
    client.login(late.username)
    assert press(client, studio, "14:00").status_code == 200  # booked
    make_blackout(
        session, studio=studio, starts_at=local(DAY, "15:00"), ends_at=local(DAY, "17:00")
    )
    session.commit()
    response = press(client, studio, "15:00")
    assert response.status_code == 409 and "设备检修" in response.text


def test_a_term_starting_later_forgives_earlier_missed_check_ins_at_once(client, session):
    studio, late = _taken_studio(session)
    first = clock.today() - timedelta(days=3)
    for n in range(3):  # three missed check-ins this (fixed) term: suspended
        day = first + timedelta(days=n)
        make_booking(session, studio=studio, user=late, starts_at=local(day, "09:00"))
    session.commit()
    client.login(late.username)
    assert press(client, studio).status_code == 403
    starts_on = first + timedelta(days=1)  # a term calendar now leaves the first one out
    session.add(Term(name="新学期", starts_on=starts_on, ends_on=DAY + timedelta(days=60)))
    session.commit()
    assert press(client, studio).status_code == 409  # not suspended: the clash refuses


def test_a_refused_panel_lists_the_bookers_current_teams_only(client, session):
    studio, late = _taken_studio(session)
    mine = make_team(session, members=[(late, "anchor")], name="甲队")
    make_team(session, members=[(make_student(session), "anchor")], name="乙队")
    session.commit()
    client.login(late.username)
    for _ in range(2):  # the first press keeps the studio's, the second reads only its own
        text = press(client, studio).text
        assert f'value="{mine.id}"' in text and "甲队" in text and "乙队" not in text


def test_a_refused_panel_lists_every_team_for_staff_by_name(client, session):
    studio, _late = _taken_studio(session)
    make_team(session, name="乙队")
    make_team(session, name="甲队")
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    for _ in range(2):
        response = press(client, studio)
        assert response.status_code == 409
        assert response.text.index("乙队") < response.text.index(
            "甲队"
        )  # by name (code points in the tests' databases)
