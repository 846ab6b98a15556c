"""Waitlist offers over HTTP: the held student sees the offer with its deadline and its
buttons, others see the time as held and are refused it, nobody else may accept or decline
it, and the hold stands while the held student accepts and others hammer the same slot."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlmodel import select

from app.models.studios import Booking, Studio, WaitlistEntry
from app.services import clock
from tests.factories import make_admin, make_student
from tests.factories_studios import local, make_booking, make_studio

DAY = clock.today() + timedelta(days=2)
FORM = {"date": DAY.isoformat(), "time": "10:00", "minutes": "60", "purpose": "personal"}


def _offered(client, other_client, session):
    """A booker cancels; the student of ``client`` (first in line) holds the offer."""
    studio, owner, waiter = make_studio(session), make_student(session), make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=local(DAY, "10:00"))
    session.commit()
    client.login(waiter.username)
    assert client.post_form(f"/studios/{studio.id}/waitlist", FORM).status_code == 303
    other_client.login(owner.username)
    assert other_client.post_form(f"/bookings/{booking.id}/cancel").status_code == 303
    session.expire_all()
    entry = session.exec(select(WaitlistEntry)).one()
    assert entry.status == "offered"
    return studio, owner, waiter, entry


def test_the_held_student_sees_the_offer_and_accepts_it(client, other_client, session):
    studio, _owner, waiter, entry = _offered(client, other_client, session)
    hold = session.get(Booking, entry.booking_id)
    deadline = clock.to_local(hold.offer_expires_at).strftime("%Y-%m-%d %H:%M")
    for page in ("/bookings", "/"):
        text = client.get(page).text
        assert f"/bookings/waitlist/{entry.id}/accept" in text
        assert f"/bookings/waitlist/{entry.id}/decline" in text and deadline in text
    week = client.get(f"/studios/{studio.id}?week={DAY.isoformat()}").text
    assert "/bookings" in week and "status-offered" in week
    response = client.post_form(f"/bookings/waitlist/{entry.id}/accept")
    assert response.status_code == 303 and response.headers["location"] == f"/bookings/{hold.id}"
    session.expire_all()
    assert session.get(Booking, hold.id).status == "approved"
    assert session.get(WaitlistEntry, entry.id).status == "accepted"
    assert f"/bookings/waitlist/{entry.id}/accept" not in client.get("/bookings").text


def test_others_see_the_time_held_and_are_refused_it(client, other_client, session):
    studio, owner, _waiter, entry = _offered(client, other_client, session)
    stranger = make_student(session, locale="en")
    session.commit()
    other_client.login(stranger.username)
    week = other_client.get(f"/studios/{studio.id}?week={DAY.isoformat()}").text
    assert "status-offered" in week and "Held" in week
    response = other_client.post_form(f"/studios/{studio.id}/book", FORM)
    assert response.status_code == 409
    assert "held for the next person on its waitlist" in response.text
    # they may queue behind the holder
    assert other_client.post_form(f"/studios/{studio.id}/waitlist", FORM).status_code == 303


def test_nobody_else_accepts_or_declines_an_offer(client, other_client, session):
    _studio, owner, _waiter, entry = _offered(client, other_client, session)
    for action in ("accept", "decline"):
        assert other_client.post_form(f"/bookings/waitlist/{entry.id}/{action}").status_code == 403
        missing = other_client.post_form(f"/bookings/waitlist/{entry.id + 999}/{action}")
        assert missing.status_code == 404
    session.expire_all()
    assert session.get(WaitlistEntry, entry.id).status == "offered"


def test_declining_offers_the_time_to_the_next_in_line(client, other_client, session):
    studio, _owner, waiter, entry = _offered(client, other_client, session)
    nxt = make_student(session)
    session.add(
        WaitlistEntry(
            studio_id=studio.id,
            user_id=nxt.id,
            purpose="personal",
            starts_at=local(DAY, "10:00"),
            ends_at=local(DAY, "11:00"),
        )
    )
    session.commit()
    response = client.post_form(f"/bookings/waitlist/{entry.id}/decline")
    assert response.status_code == 303
    session.expire_all()
    assert session.get(WaitlistEntry, entry.id).status == "declined"
    hold = session.exec(select(Booking).where(Booking.status == "offered")).one()
    assert hold.user_id == nxt.id
    assert client.post_form(f"/bookings/waitlist/{entry.id}/accept").status_code == 409


def test_the_studio_form_sets_the_hold_within_5_to_1440_minutes(client, session):
    from tests.routers.test_studios import studio_form

    studio = make_studio(session)
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    for bad in ("4", "1441", "x"):
        response = client.post_form(
            f"/studios/{studio.id}/edit", studio_form(offer_hold_minutes=bad)
        )
        assert response.status_code == 422 and 'id="offer_hold_minutes-error"' in response.text
    assert "offer_hold_minutes" in client.get(f"/studios/{studio.id}/edit").text
    ok = client.post_form(f"/studios/{studio.id}/edit", studio_form(offer_hold_minutes="90"))
    assert ok.status_code == 303
    session.expire_all()
    assert session.get(Studio, studio.id).offer_hold_minutes == 90


def test_the_held_student_accepts_while_others_hammer_the_slot(client, other_client, session):
    """Real threads, one session per request: the accept wins, every booking is refused."""
    studio, _owner, waiter, entry = _offered(client, other_client, session)
    stranger = make_student(session, locale="en")
    session.commit()
    other_client.login(stranger.username)
    # read before the threads start: the test's session is not for concurrent use
    accept_url, book_url = f"/bookings/waitlist/{entry.id}/accept", f"/studios/{studio.id}/book"

    def attempt(n):
        if n == 4:
            return "accept", client.post_form(accept_url)
        return "book", other_client.post_form(book_url, FORM)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(attempt, range(12)))
    assert [r.status_code for kind, r in results if kind == "accept"] == [303]
    refused = [r for kind, r in results if kind == "book"]
    assert all(r.status_code == 409 for r in refused), [r.text[-300:] for r in refused]
    for r in refused:
        assert any(
            m in r.text for m in ("held for the next person", "already booked", "a moment ago")
        )
    session.expire_all()
    active = session.exec(
        select(Booking).where(
            Booking.studio_id == studio.id, Booking.status.in_(("approved", "offered"))
        )
    ).all()
    assert [(b.user_id, b.status) for b in active] == [(waiter.id, "approved")]
