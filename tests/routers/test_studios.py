"""Studio pages: list, admin settings with hours and blackouts, photo, QR, day board."""

import io
import struct
import zlib
from datetime import timedelta

import pytest
from PIL import Image
from sqlmodel import select

from app.models.studios import Studio, StudioBlackout, StudioHours, StudioPhoto
from app.services import studios as studio_service
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday


def _image(kind: str = "PNG", size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 60)).save(buffer, kind)
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims to be huge (a decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = zlib.compress(b"\x00" * 1024)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


PNG = _image()
HUGE_ID = "2147483648"  # one past PostgreSQL's integer
HUGE = "100000000000000000000000"  # 10^23


def studio_form(**overrides):
    data = {
        "name": "直播间 A",
        "location": "实训楼 301",
        "capacity": "6",
        "equipment": "补光灯\n声卡",
        "slot_minutes": "30",
        "min_minutes": "30",
        "max_minutes": "180",
        "advance_days": "14",
        "buffer_minutes": "0",
        "offer_hold_minutes": "30",
        "is_active": "1",
    }
    for day in range(5):
        data[f"opens_{day}"], data[f"closes_{day}"] = "08:00", "21:00"
    data.update(overrides)
    return data


def test_an_admin_adds_a_studio_with_hours(client, session):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    response = client.post_form("/studios/new", studio_form())
    assert response.status_code == 303
    studio = session.exec(select(Studio)).one()
    hours = session.exec(select(StudioHours).where(StudioHours.studio_id == studio.id)).all()
    assert sorted((h.weekday, h.opens, h.closes) for h in hours) == [
        (d, 480, 1260) for d in range(5)
    ]
    page = client.get("/studios")
    assert "直播间 A" in page.text and "补光灯" in page.text


def test_bad_studio_input_is_shown_beside_the_field_and_writes_nothing(client, session):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    form = studio_form(name="", max_minutes="15", opens_2="08:10", closes_2="07:00")
    response = client.post_form("/studios/new", form)
    assert response.status_code == 422
    assert 'id="name-error"' in response.text
    assert 'id="max_minutes-error"' in response.text
    assert 'id="hours_2-error"' in response.text
    assert session.exec(select(Studio)).first() is None


def test_students_and_teachers_cannot_change_studios(client, session):
    studio = make_studio(session)
    teacher, student = make_teacher(session), make_student(session)
    session.commit()
    for user in (teacher, student):
        client.login(user.username)
        assert client.get(f"/studios/{studio.id}/edit").status_code == 403
        response = client.post_form(f"/studios/{studio.id}/edit", studio_form(name="x"))
        assert response.status_code == 403
    session.refresh(studio)
    assert studio.name != "x"


def test_blackouts_are_added_with_a_reason_and_removed(client, session):
    admin, studio = make_admin(session), make_studio(session)
    session.commit()
    client.login(admin.username)
    day = next_weekday(2).isoformat()
    form = {"start_date": day, "start_time": "08:00", "end_date": day, "end_time": "12:00"}
    missing = client.post_form(f"/studios/{studio.id}/blackouts", form)
    assert missing.status_code == 422 and 'id="reason-error"' in missing.text
    response = client.post_form(f"/studios/{studio.id}/blackouts", {**form, "reason": "期末考试"})
    assert response.status_code == 303
    blackout = session.exec(select(StudioBlackout)).one()
    assert blackout.reason == "期末考试"
    assert "期末考试" in client.get(f"/studios/{studio.id}/blackouts").text
    client.post_form(f"/studios/{studio.id}/blackouts/{blackout.id}/delete")
    session.expire_all()
    assert session.exec(select(StudioBlackout)).first() is None


def test_a_blackout_over_active_bookings_is_refused(client, session):
    admin, studio, student = make_admin(session), make_studio(session), make_student(session)
    day = next_weekday(2)
    make_booking(session, studio=studio, user=student, starts_at=local(day, "09:00"))
    session.commit()
    client.login(admin.username)
    form = {"start_date": day.isoformat(), "end_date": day.isoformat(), "reason": "检修"}
    response = client.post_form(f"/studios/{studio.id}/blackouts", form)
    assert response.status_code == 422
    assert "cancel them first" in response.text or "请先取消" in response.text


def test_a_photo_is_uploaded_and_served(client, session):
    admin, studio = make_admin(session), make_studio(session)
    session.commit()
    client.login(admin.username)
    bad = client.post(
        f"/studios/{studio.id}/photo",
        data={"csrf_token": client.csrf},
        files={"photo": ("x.gif", b"GIF89a...", "image/gif")},
    )
    assert bad.status_code == 422
    ok = client.post(
        f"/studios/{studio.id}/photo",
        data={"csrf_token": client.csrf},
        files={"photo": ("x.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    photo = client.get(f"/studios/{studio.id}/photo")
    assert photo.headers["content-type"] == "image/png" and photo.content == PNG


def _upload(client, studio, name: str, data: bytes, content_type: str = "image/png"):
    return client.post(
        f"/studios/{studio.id}/photo",
        data={"csrf_token": client.csrf},
        files={"photo": (name, data, content_type)},
        follow_redirects=False,
    )


def test_a_cut_off_photo_is_refused_even_after_a_pdf_was_rendered(client, session, monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what WeasyPrint does
    admin, studio = make_admin(session), make_studio(session)
    session.commit()
    client.login(admin.username)
    for name, image in (("cut.png", PNG), ("cut.jpg", _image("JPEG"))):
        response = _upload(client, studio, name, image[: len(image) // 2])
        assert response.status_code == 422, name
    assert session.exec(select(StudioPhoto)).first() is None


def test_a_photo_must_really_be_an_image(client, session):
    admin, studio = make_admin(session), make_studio(session)
    session.commit()
    client.login(admin.username)
    fakes = {
        "fake.png": b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" * 20,
        "fake.jpg": b"\xff\xd8\xff\xe0" + b"not a jpeg at all" * 50,
        "cut.png": PNG[: len(PNG) // 2],
        "page.html": b"<html><body>hello</body></html>",
    }
    for name, data in fakes.items():
        response = _upload(client, studio, name, data)
        assert response.status_code == 422, name
        assert 'id="photo-error"' in response.text, name
        assert "PNG" in response.text and "JPEG" in response.text
    assert session.exec(select(StudioPhoto)).first() is None
    assert _upload(client, studio, "ok.jpg", _image("JPEG"), "image/jpeg").status_code == 303
    photo = client.get(f"/studios/{studio.id}/photo")
    assert photo.headers["content-type"] == "image/jpeg"


def test_decompression_bombs_and_oversized_photos_are_refused(client, session):
    admin, studio = make_admin(session), make_studio(session)
    session.commit()
    client.login(admin.username)
    for width, height in ((30000, 30000), (9000, 9000)):  # beyond Pillow's limit, and ours
        bomb = _png_header_only(width, height)
        assert len(bomb) < 2000
        response = _upload(client, studio, "bomb.png", bomb)
        assert response.status_code == 422, (width, height)
        assert 'id="photo-error"' in response.text
    huge = _image("PNG") + b"\x00" * studio_service.PHOTO_MAX_BYTES
    response = _upload(client, studio, "huge.png", huge)
    assert response.status_code == 422 and 'id="photo-error"' in response.text
    assert "2 MB" in response.text
    assert session.exec(select(StudioPhoto)).first() is None


def test_the_qr_code_is_an_svg_image_pointing_at_check_in(client, session):
    teacher, studio = make_teacher(session), make_studio(session)
    session.commit()
    client.login(teacher.username)
    page = client.get(f"/studios/{studio.id}/qr")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text
    assert f"/studios/{studio.id}/checkin" in page.text


def test_the_studio_list_shows_todays_availability(client, session):
    studio = make_studio(session)
    student = make_student(session)
    session.commit()
    client.login(student.username)
    page = client.get("/studios")
    assert page.status_code == 200
    assert studio.name in page.text
    assert f'href="/studios/{studio.id}"' in page.text


def test_the_day_board_is_for_staff(client, session):
    studio, teacher, student = make_studio(session), make_teacher(session), make_student(session)
    day = next_weekday(3)
    make_booking(session, studio=studio, user=student, starts_at=local(day, "10:00"), minutes=90)
    session.commit()
    client.login(teacher.username)
    page = client.get(f"/studios/board?day={day.isoformat()}")
    assert page.status_code == 200
    assert student.full_name in page.text and 'rowspan="3"' in page.text
    client.login(student.username)
    assert client.get("/studios/board").status_code == 403


def test_the_studio_list_issues_a_bounded_number_of_statements(client, session, statement_counter):
    student = make_student(session)
    for _ in range(3):
        studio = make_studio(session)
        for hour in range(8, 20, 2):
            start = local(next_weekday(1), f"{hour:02d}:00")
            make_booking(session, studio=studio, user=student, starts_at=start)
    session.commit()
    client.login(student.username)
    with statement_counter() as statements:
        assert client.get("/studios").status_code == 200
    assert len(statements) <= 8, statements
    assert timedelta(0) == timedelta(0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"approver_id": HUGE_ID}, "approver_id"),
        ({"capacity": HUGE}, "capacity"),
        ({"advance_days": "-1"}, "advance_days"),
        ({"slot_minutes": "25"}, "slot_minutes"),
        ({"opens_3": "25:00", "closes_3": "26:00"}, "opens_3"),
        ({"opens_5": "09:00"}, "hours_5"),
    ],
)
def test_studio_settings_out_of_range_are_refused_beside_their_field(
    client, session, changes, field
):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    response = client.post_form("/studios/new", studio_form(**changes))
    assert response.status_code == 422 and f'id="{field}-error"' in response.text
    assert session.exec(select(Studio)).first() is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "9999-12-31"}, "start_date"),
        ({"end_date": "0000-00-00"}, "end_date"),
        ({"start_time": "7 o'clock"}, "start_time"),
    ],
)
def test_a_blackout_out_of_range_is_refused_beside_its_field(client, session, changes, field):
    admin, studio = make_admin(session), make_studio(session)
    session.commit()
    client.login(admin.username)
    day = next_weekday(2).isoformat()
    form = {"start_date": day, "end_date": day, "reason": "检修", **changes}
    response = client.post_form(f"/studios/{studio.id}/blackouts", form)
    assert response.status_code == 422 and f'id="{field}-error"' in response.text
    assert session.exec(select(StudioBlackout)).first() is None
