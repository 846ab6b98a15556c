"""Equipment kits: free units, over-allocation refused (by the service and by the
database itself), a booking's kits released with it, checkout, return and overdue."""

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, FormErrors, NotFound
from app.models.kits import KitReservation, KitStatus
from app.models.studios import BookingStatus
from app.services import kits as kit_service
from app.services.kits.reservations import reserve_items
from tests.factories import make_student, make_teacher
from tests.factories_kits import in_hours, make_item, make_reservation
from tests.factories_studios import make_booking, make_studio


def _free(session, item, starts_at, ends_at, now=None):
    rows = kit_service.availability(session, starts_at=starts_at, ends_at=ends_at, now=now)
    return next(row.free for row in rows if row.item.id == item.id)


def test_free_units_are_the_total_less_the_busiest_instant(session):
    student = make_student(session)
    item = make_item(session, quantity_total=5)
    make_reservation(
        session, item=item, user=student, quantity=2, starts_at=in_hours(1), ends_at=in_hours(3)
    )
    make_reservation(
        session, item=item, user=student, quantity=2, starts_at=in_hours(2), ends_at=in_hours(4)
    )
    make_reservation(
        session, item=item, user=student, quantity=1, starts_at=in_hours(3.5), ends_at=in_hours(5)
    )
    assert _free(session, item, in_hours(0), in_hours(6)) == 1  # 2+2 between 2h and 3h
    assert _free(session, item, in_hours(3), in_hours(6)) == 2  # 2+1 from 3.5h
    assert _free(session, item, in_hours(5), in_hours(6)) == 5


def test_ranges_that_only_touch_do_not_overlap(session):
    student = make_student(session)
    item = make_item(session, quantity_total=1)
    make_reservation(session, item=item, user=student, starts_at=in_hours(2), ends_at=in_hours(4))
    assert _free(session, item, in_hours(0), in_hours(2)) == 1
    assert _free(session, item, in_hours(4), in_hours(6)) == 1
    assert _free(session, item, in_hours(3.9), in_hours(6)) == 0
    # and the database agrees: a touching reservation is accepted
    make_reservation(session, item=item, user=student, starts_at=in_hours(4), ends_at=in_hours(6))


def test_cancelled_and_returned_reservations_hold_nothing(session):
    student = make_student(session)
    item = make_item(session, quantity_total=1)
    make_reservation(session, item=item, user=student, status=KitStatus.cancelled)
    make_reservation(session, item=item, user=student, status=KitStatus.returned)
    assert _free(session, item, in_hours(2), in_hours(4)) == 1


def test_a_kit_out_past_its_end_still_holds_its_units(session):
    student = make_student(session)
    item = make_item(session, quantity_total=1)
    make_reservation(
        session, item=item, user=student, status=KitStatus.checked_out,
        starts_at=in_hours(-3), ends_at=in_hours(-1), due_at=in_hours(-1),
    )  # fmt: skip
    assert _free(session, item, in_hours(0), in_hours(1)) == 0
    assert _free(session, item, in_hours(24), in_hours(25)) == 1


def test_reserving_more_than_is_free_is_refused_beside_the_quantity(session):
    student = make_student(session)
    item = make_item(session, quantity_total=2)
    make_reservation(session, item=item, user=student, quantity=1)
    with pytest.raises(FormErrors) as refused:
        reserve_items(
            session, actor=student, wanted={item.id: 2}, starts_at=in_hours(3),
            ends_at=in_hours(5), field="quantity",
        )  # fmt: skip
    assert "Only 1 of this item are free" in str(refused.value.errors["quantity"])
    made = reserve_items(
        session, actor=student, wanted={item.id: 1}, starts_at=in_hours(3), ends_at=in_hours(5)
    )
    assert made[0].status == KitStatus.reserved
    assert _free(session, item, in_hours(3), in_hours(4)) == 0


def test_the_database_refuses_an_insert_that_bypasses_the_service(session):
    student = make_student(session)
    item = make_item(session, quantity_total=2)
    make_reservation(session, item=item, user=student, quantity=2)
    row = {
        "item_id": item.id, "user_id": student.id, "quantity": 1, "status": "reserved",
        "starts_at": in_hours(3), "ends_at": in_hours(5), "checkout_note": "",
        "return_note": "", "damaged": False, "created_at": in_hours(0),
    }  # fmt: skip
    with (
        pytest.raises(IntegrityError, match="exceeds the units of the item"),
        session.begin_nested(),
    ):
        session.execute(insert(KitReservation), [row])
    # outside the busy time, the same insert is accepted
    with session.begin_nested():
        session.execute(insert(KitReservation), [{**row, "starts_at": in_hours(4)}])


def test_the_database_refuses_an_update_that_would_over_allocate(session):
    student = make_student(session)
    item = make_item(session, quantity_total=2)
    make_reservation(session, item=item, user=student, quantity=1)
    other = make_reservation(
        session, item=item, user=student, quantity=1, starts_at=in_hours(4), ends_at=in_hours(5)
    )
    other.starts_at = in_hours(2)
    other.quantity = 2
    with (
        pytest.raises(IntegrityError, match="exceeds the units of the item"),
        session.begin_nested(),
    ):
        session.add(other)
        session.flush()


def test_cancelling_a_booking_releases_its_kits(session):
    student = make_student(session)
    studio = make_studio(session)
    item = make_item(session, quantity_total=1, studio_id=studio.id)
    booking = make_booking(session, studio=studio, user=student, starts_at=in_hours(2))
    kit = make_reservation(
        session, item=item, user=student, booking_id=booking.id,
        starts_at=booking.starts_at, ends_at=booking.ends_at,
    )  # fmt: skip
    booking.status = BookingStatus.cancelled
    session.add(booking)
    session.flush()
    session.refresh(kit)
    assert kit.status == KitStatus.cancelled


def test_an_item_of_another_studio_is_not_lent_with_a_booking(session):
    student = make_student(session)
    studio, elsewhere = make_studio(session), make_studio(session)
    item = make_item(session, studio_id=elsewhere.id)
    booking = make_booking(session, studio=studio, user=student, starts_at=in_hours(2))
    with pytest.raises(FormErrors) as refused:
        reserve_items(
            session, actor=student, wanted={item.id: 1}, starts_at=booking.starts_at,
            ends_at=booking.ends_at, booking=booking,
        )  # fmt: skip
    assert f"kit_{item.id}" in refused.value.errors


def test_checkout_return_and_overdue(session):
    student, teacher = make_student(session), make_teacher(session)
    item = make_item(session)
    kit = make_reservation(
        session, item=item, user=student, starts_at=in_hours(0.5), ends_at=in_hours(2)
    )
    with pytest.raises(NotFound):  # a student is not the desk, and not its owner
        kit_service.check_out(session, reservation_id=kit.id, actor=make_student(session), note="")
    too_early = in_hours(-1)
    with pytest.raises(Conflict):
        kit_service.check_out(session, reservation_id=kit.id, actor=teacher, note="", now=too_early)
    kit_service.check_out(session, reservation_id=kit.id, actor=teacher, note="屏幕有划痕")
    assert (kit.status, kit.checkout_note, kit.due_at) == ("checked_out", "屏幕有划痕", kit.ends_at)
    later = in_hours(3)
    page = kit_service.overdue(session, page=1, per_page=20, now=later)
    assert [row.reservation.id for row in page.items] == [kit.id]
    assert page.items[0].status_label(later) == "Overdue"
    assert kit_service.overdue(session, page=1, per_page=20, now=in_hours(1)).total == 0
    with pytest.raises(Conflict):
        kit_service.cancel_reservation(session, reservation_id=kit.id, actor=student)
    kit_service.return_kit(
        session, reservation_id=kit.id, actor=teacher, note="支架松了", damaged=True, now=later
    )
    assert (kit.status, kit.return_note, kit.damaged) == ("returned", "支架松了", True)
    assert kit_service.overdue(session, page=1, per_page=20, now=later).total == 0


def test_an_owner_cancels_and_a_stranger_cannot(session):
    owner, stranger = make_student(session), make_student(session)
    kit = make_reservation(session, item=make_item(session), user=owner)
    with pytest.raises(NotFound):
        kit_service.cancel_reservation(session, reservation_id=kit.id, actor=stranger)
    kit_service.cancel_reservation(session, reservation_id=kit.id, actor=owner)
    assert kit.status == KitStatus.cancelled


def test_an_item_keeps_at_least_the_units_already_promised(session):
    from app.schemas.kits import ItemForm

    student = make_student(session)
    item = make_item(session, quantity_total=3)
    make_reservation(session, item=item, user=student, quantity=2)
    form = ItemForm.parse(
        {"name_zh": "手机", "category": "phone", "quantity_total": "1", "is_active": "1"}
    )
    with pytest.raises(FormErrors) as refused:
        kit_service.save_item(session, form=form, item_id=item.id)
    assert "quantity_total" in refused.value.errors
    form = ItemForm.parse({"name_zh": "手机", "category": "phone", "quantity_total": "2"})
    assert kit_service.save_item(session, form=form, item_id=item.id).quantity_total == 2
