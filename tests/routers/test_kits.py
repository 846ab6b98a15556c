"""Kit pages: reserving from the list, my reservations, the desk, overdue, items; every
page and action also tried by someone who must not get in."""

from datetime import timedelta

from sqlmodel import select

from app.models.kits import EquipmentItem, KitReservation, KitStatus
from app.services import clock
from tests.factories import make_admin, make_mentor, make_student, make_teacher
from tests.factories_kits import in_hours, make_item, make_reservation


def _tomorrow():
    return (clock.today() + timedelta(days=1)).isoformat()


def _reserve(client, item, quantity="1", time="10:00"):
    form = {
        "item_id": str(item.id),
        "quantity": quantity,
        "date": _tomorrow(),
        "time": time,
        "minutes": "120",
    }
    return client.post_form("/kits/reserve", form)


def test_a_student_sees_free_units_and_reserves(client, session):
    student = make_student(session, locale="en")
    item = make_item(session, name_en="Ring light", quantity_total=2)
    session.commit()
    client.login(student.username)
    page = client.get(f"/kits?date={_tomorrow()}&time=10:00&minutes=120")
    assert page.status_code == 200 and "Ring light" in page.text and "2 of 2" in page.text
    response = _reserve(client, item)
    assert response.status_code == 303 and response.headers["location"] == "/kits/mine"
    mine = client.get("/kits/mine")
    assert "Ring light" in mine.text and "Reserved" in mine.text
    assert "1 of 2" in client.get(f"/kits?date={_tomorrow()}&time=11:00&minutes=60").text


def test_asking_for_more_than_is_free_is_refused_beside_the_quantity(client, session):
    student, other = make_student(session, locale="en"), make_student(session, locale="en")
    item = make_item(session, quantity_total=2)
    session.commit()
    client.login(student.username)
    assert _reserve(client, item, quantity="2").status_code == 303
    client.login(other.username)
    refused = _reserve(client, item, quantity="1", time="11:00")
    assert refused.status_code == 422
    assert 'id="quantity-error"' in refused.text and "None of this item is free" in refused.text
    assert len(session.exec(select(KitReservation)).all()) == 1
    bad = _reserve(client, item, quantity="abc")
    assert bad.status_code == 422 and 'id="quantity-error"' in bad.text


def test_a_student_cannot_cancel_someone_elses_reservation(client, session):
    owner, stranger = make_student(session, locale="en"), make_student(session, locale="en")
    kit = make_reservation(session, item=make_item(session), user=owner)
    session.commit()
    client.login(stranger.username)
    assert client.post_form(f"/kits/reservations/{kit.id}/cancel").status_code == 404
    client.login(owner.username)
    assert client.post_form(f"/kits/reservations/{kit.id}/cancel").status_code == 303
    session.refresh(kit)
    assert kit.status == KitStatus.cancelled


def test_the_desk_hands_out_and_takes_back_with_condition_notes(client, session):
    student, teacher = make_student(session, locale="en"), make_teacher(session, locale="en")
    item = make_item(session, name_en="Sound card")
    kit = make_reservation(
        session, item=item, user=student, starts_at=in_hours(0.2), ends_at=in_hours(2)
    )
    session.commit()
    client.login(student.username)
    assert client.get("/kits/desk").status_code == 403
    assert (
        client.post_form(f"/kits/reservations/{kit.id}/checkout", {"note": "x"}).status_code == 403
    )
    assert client.get("/kits/overdue").status_code == 403
    client.login(teacher.username)
    day = clock.local_date(kit.starts_at).isoformat()
    desk = client.get(f"/kits/desk?day={day}")
    assert desk.status_code == 200 and "Sound card" in desk.text and student.full_name in desk.text
    out = client.post_form(f"/kits/reservations/{kit.id}/checkout?day={day}", {"note": "完好"})
    assert out.status_code == 303
    back = client.post_form(
        f"/kits/reservations/{kit.id}/return", {"note": "线缆缺失", "damaged": "1"}
    )
    assert back.status_code == 303
    session.refresh(kit)
    assert (kit.status, kit.checkout_note, kit.return_note, kit.damaged) == (
        "returned", "完好", "线缆缺失", True,
    )  # fmt: skip
    again = client.post_form(f"/kits/reservations/{kit.id}/return", {"note": ""})
    assert again.status_code == 409


def test_the_overdue_list_shows_kits_out_past_their_due_time(client, session):
    student, teacher = make_student(session, locale="en"), make_teacher(session, locale="en")
    item = make_item(session, name_en="Phone stand")
    make_reservation(
        session, item=item, user=student, status="checked_out",
        starts_at=in_hours(-4), ends_at=in_hours(-2), due_at=in_hours(-2),
    )  # fmt: skip
    session.commit()
    client.login(teacher.username)
    page = client.get("/kits/overdue")
    assert page.status_code == 200 and "Phone stand" in page.text and student.full_name in page.text


def test_admins_manage_items_and_others_cannot(client, other_client, session):
    admin, teacher = make_admin(session, locale="en"), make_teacher(session, locale="en")
    mentor = make_mentor(session, locale="en")
    session.commit()
    other_client.login(teacher.username)
    assert other_client.get("/kits/items").status_code == 403
    assert other_client.post_form("/kits/items/new", {"name_zh": "手机"}).status_code == 403
    other_client.login(mentor.username)
    assert other_client.get("/kits").status_code == 403
    client.login(admin.username)
    bad = client.post_form("/kits/items/new", {"category": "phone", "quantity_total": "2"})
    assert bad.status_code == 422 and "Chinese or English" in bad.text
    made = client.post_form(
        "/kits/items/new",
        {"name_zh": "手机", "category": "phone", "quantity_total": "4", "is_active": "1"},
    )
    assert made.status_code == 303
    item = session.exec(select(EquipmentItem)).one()
    assert (item.name_zh, item.quantity_total, item.studio_id) == ("手机", 4, None)
    edit = client.post_form(
        f"/kits/items/{item.id}/edit",
        {"name_en": "Phone", "category": "phone", "quantity_total": "3"},
    )
    assert edit.status_code == 303
    session.refresh(item)
    assert (item.name_en, item.quantity_total, item.is_active) == ("Phone", 3, False)
    assert client.post_form(f"/kits/items/{item.id}/delete").status_code == 303
    assert session.exec(select(EquipmentItem)).all() == []


def test_an_item_with_reservations_cannot_be_deleted(client, session):
    admin, student = make_admin(session, locale="en"), make_student(session, locale="en")
    item = make_item(session)
    make_reservation(session, item=item, user=student)
    session.commit()
    client.login(admin.username)
    assert client.post_form(f"/kits/items/{item.id}/delete").status_code == 409


def _book_with_kits(client, studio, wanted: list, time="10:00"):
    form = {
        "date": _tomorrow(), "time": time, "minutes": "60", "purpose": "personal",
        "kit_item": [str(i.id) for i, _ in wanted], "kit_quantity": [str(n) for _, n in wanted],
    }  # fmt: skip
    return client.post_form(f"/studios/{studio.id}/book", form)


def test_a_booking_with_kits_reserves_them_for_its_time(client, session):
    from app.models.studios import Booking
    from tests.factories_studios import make_studio

    student = make_student(session, locale="en")
    studio = make_studio(session)
    lights, pool = make_item(session, studio_id=studio.id), make_item(session, quantity_total=1)
    session.commit()
    client.login(student.username)
    panel = client.get(f"/studios/{studio.id}/book?date={_tomorrow()}&time=10:00")
    assert 'name="kit_quantity"' in panel.text and "Add equipment (optional)" in panel.text
    response = _book_with_kits(client, studio, [(lights, 2), (pool, 0)])
    assert response.status_code == 303, response.text[-800:]
    booking = session.exec(select(Booking)).one()
    kit = session.exec(select(KitReservation)).one()
    assert (kit.item_id, kit.quantity, kit.booking_id) == (lights.id, 2, booking.id)
    assert (kit.starts_at, kit.ends_at) == (booking.starts_at, booking.ends_at)


def test_a_booking_whose_kit_is_not_free_books_nothing(client, other_client, session):
    from app.models.studios import Booking
    from tests.factories_studios import make_studio

    first, second = make_student(session, locale="en"), make_student(session, locale="en")
    studio, other_studio = make_studio(session), make_studio(session)
    mic = make_item(session, quantity_total=1, name_en="Microphone")
    session.commit()
    client.login(first.username)
    assert _book_with_kits(client, other_studio, [(mic, 1)]).status_code == 303
    other_client.login(second.username)
    refused = _book_with_kits(other_client, studio, [(mic, 1)], time="10:30")
    assert refused.status_code == 422
    assert (
        f'id="kit_{mic.id}-error"' in refused.text and "None of this item is free" in refused.text
    )
    assert len(session.exec(select(Booking)).all()) == 1  # the second booking rolled back
    assert len(session.exec(select(KitReservation)).all()) == 1
    bad = _book_with_kits(other_client, studio, [(mic, "lots")], time="10:30")
    assert bad.status_code == 422 and len(session.exec(select(Booking)).all()) == 1


def test_cancelling_the_booking_releases_the_kits_booked_with_it(client, session):
    from app.models.studios import Booking
    from tests.factories_studios import make_studio

    student = make_student(session, locale="en")
    studio = make_studio(session)
    phone = make_item(session, quantity_total=1, studio_id=studio.id)
    session.commit()
    client.login(student.username)
    assert _book_with_kits(client, studio, [(phone, 1)]).status_code == 303
    booking = session.exec(select(Booking)).one()
    assert client.post_form(f"/bookings/{booking.id}/cancel", {"reason": ""}).status_code == 303
    kit = session.exec(select(KitReservation)).one()
    assert kit.status == KitStatus.cancelled
    page = client.get(f"/kits?date={_tomorrow()}&time=10:00&minutes=60")
    assert "1 of 1" in page.text
