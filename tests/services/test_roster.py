import io
import zipfile

import pytest
from sqlmodel import func, select

from app import db
from app.errors import Conflict, FormErrors
from app.exports import templates as templates_export
from app.i18n import activate
from app.models import RosterImport, StudentProfile, User, UserSession
from app.security import verify_password
from app.services import uploads
from app.services.accounts import people as people_service
from app.services.roster import files as roster_files
from app.services.roster import imports as roster_service
from tests.factories import _TEST_HASH, TEST_PASSWORD, make_admin, make_cohort, make_student
from tests.roster_fixtures import HEADER_EN, cohort_label, csv_bytes, xlsx_bytes


@pytest.fixture(autouse=True)
def english():
    activate("en")


# --- reading files (no database) -----------------------------------------------------------


def _file_error(content: bytes) -> str:
    with pytest.raises(FormErrors) as caught:
        roster_files.read_roster(content)
    return str(caught.value.errors["file"])


def test_it_reads_utf8_with_and_without_bom_and_gb18030_alike():
    rows = [["2024001", "王小明", "网络营销与直播电商 2024级 1班", "", "138 0013 8000"]]
    for encoding in ("utf-8-sig", "utf-8", "gb18030"):
        parsed = roster_files.read_roster(csv_bytes(rows, encoding=encoding))
        assert parsed.rows == [
            {
                "student_number": "2024001",
                "full_name": "王小明",
                "cohort": "网络营销与直播电商 2024级 1班",
                "phone": "138 0013 8000",
                "line": 2,
            }
        ], encoding


def test_gb18030_names_outside_gbk_survive():
    names = ["张三", "𠮷野家", "欧阳䶮", "李䲜"]  # the last two need GB18030, not GBK
    content = csv_bytes([[f"S{i}", n, "x"] for i, n in enumerate(names)], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    assert [r["full_name"] for r in roster_files.read_roster(content).rows] == names


def test_english_headers_semicolons_and_notes_in_headers_are_accepted():
    text = "Student Number;Full name;Cohort;E-mail\r\nA1;Li Lei;X 2024级 1班;li@example.com\r\n"
    assert roster_files.read_roster(text.encode()).rows[0]["email"] == "li@example.com"
    text = "学号*,姓名（必填）,班级,性别\n1,王,X 2024级 1班,男\n"
    parsed = roster_files.read_roster(text.encode())
    assert parsed.rows[0]["full_name"] == "王" and parsed.ignored_columns == ["性别"]


def test_xlsx_numbers_lose_their_decimal_point_and_a_title_row_is_skipped():
    content = xlsx_bytes(
        [[2024010101, "赵六", "网络营销与直播电商 2024级 1班", None, 13800138000.0]],
        title_rows=[["2024级 学生名单"]],
    )
    row = roster_files.read_roster(content).rows[0]
    assert row["student_number"] == "2024010101"
    assert row["phone"] == "13800138000"
    assert row["line"] == 3


def test_blank_rows_are_left_out():
    content = csv_bytes([["1", "甲", "c"], ["", "", ""], [], ["2", "乙", "c"]])
    assert [r["line"] for r in roster_files.read_roster(content).rows] == [2, 5]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 20, "neither a CSV"),
        ("学号,姓名\n1,王\n".encode("utf-16"), "neither a CSV"),
        (b"PK\x03\x04garbage-not-a-zip" * 10, "cannot be opened"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"name,age\nfoo,3\n", "No header row"),
        ("学号,姓名,班级\r\n".encode(), "no students"),
        (b"x" * (uploads.MAX_FILE_BYTES + 1), "larger than 2 MB"),
    ],
    ids=["empty", "garbage", "utf16", "fake-zip", "xls", "no-header", "no-rows", "too-big"],
)
def test_unreadable_files_get_a_clear_message(content, words):
    assert words in _file_error(content)


def test_an_xlsx_renamed_csv_is_read_as_a_workbook_and_a_zip_that_is_not_one_is_refused():
    content = xlsx_bytes([["1", "王", "c"]])
    assert roster_files.read_roster(content).rows[0]["full_name"] == "王"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "cannot be opened" in _file_error(buffer.getvalue())


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(roster_files, "MAX_ROWS", 3)
    content = csv_bytes([[str(i), "王", "c"] for i in range(4)])
    assert "more than 3 students" in _file_error(content)


def test_the_templates_read_back_as_one_example_row():
    for content in (templates_export.roster_csv(), templates_export.roster_xlsx()):
        rows = roster_files.read_roster(content).rows
        assert len(rows) == 1 and rows[0]["full_name"] == "张三"
    assert templates_export.roster_csv().startswith(b"\xef\xbb\xbf")


# --- checking rows ------------------------------------------------------------------------


def _row(number, name, cohort, email="", phone="", line=2):
    row = {"student_number": number, "full_name": name, "cohort": cohort, "line": line}
    row.update({k: v for k, v in (("email", email), ("phone", phone)) if v})
    return row


def _errors(rows):
    return [{k: str(v) for k, v in row.errors.items()} for row in rows]


def test_every_kind_of_bad_row_is_reported(session):
    cohort = make_cohort(session)
    existing = make_student(session, cohort=cohort, email="taken@example.com")
    make_admin(session, username="2024099")  # a non-student account using that username
    number = session.get(StudentProfile, existing.id).student_number
    label = cohort_label(cohort)
    rows = roster_service.check_rows(
        session,
        [
            _row("2024001", "好学生", label, "good@example.com", "13800138000", line=2),
            _row("2024002", "甲", label, line=3),
            _row("2024002", "乙", label, line=4),
            _row(number.lower(), "丙", label, line=5),
            _row("2024003", "丁", "网络营销与直播电商 2030级 9班", line=6),
            _row("2024004", "戊", "第九班", line=7),
            _row("2024005", "", label, line=8),
            _row("2024006", "己", label, "not-an-email", line=9),
            _row("2024007", "庚", label, "TAKEN@example.com", line=10),
            _row("2024008", "辛", label, "same@example.com", line=11),
            _row("2024009", "壬", label, "same@example.com", line=12),
            _row("2024010", "癸", label, phone="call me", line=13),
            _row("2.02401E+09", "子", label, line=14),
            _row("学号一", "丑", label, line=15),
            _row("2024099", "寅", label, line=16),
            _row("2024011", "卯", "", line=17),
            _row("", "辰", label, line=18),
        ],
    )
    errors = _errors(rows)
    assert errors[0] == {}
    assert rows[0].cohort.id == cohort.id and rows[0].username == "2024001"
    assert "rows 3, 4" in errors[1]["student_number"] == errors[2]["student_number"]
    assert "already in the system" in errors[3]["student_number"]
    assert "no cohort 网络营销与直播电商 2030级 9班" in errors[4]["cohort"]
    assert "e.g. 网络营销与直播电商 2024级 1班" in errors[5]["cohort"]
    assert errors[6] == {"full_name": "Enter the person's name."}
    assert "valid email" in errors[7]["email"]
    assert errors[8] == {"email": "Another account uses this email."}
    assert "rows 11, 12" in errors[9]["email"] and "rows 11, 12" in errors[10]["email"]
    assert "phone number" in errors[11]["phone"]
    assert "scientific notation" in errors[12]["student_number"]
    assert "letters, digits" in errors[13]["student_number"]
    assert "username 2024099 is taken" in errors[14]["student_number"]
    assert "Enter the cohort" in errors[15]["cohort"]
    assert errors[16] == {"student_number": "Enter the student number."}


def test_cohorts_can_be_written_several_ways(session):
    cohort = make_cohort(session, major="网络营销与直播电商", intake_year=2024, class_number=3)
    raws = [
        {"cohort": "网络营销与直播电商 2024级 3班"},
        {"cohort": "网络营销与直播电商2024级3班"},
        {"cohort": "2024级 网络营销与直播电商 3班"},
        {"cohort": "网络营销与直播电商，２０２４级　３班".replace("，", "")},
        {"cohort": "网络营销与直播电商, intake 2024, class 3"},
        {"major": "网络营销与直播电商", "intake_year": "2024", "class_number": "3"},
        {"major": "网络营销与直播电商", "intake_year": "2024级", "cohort": "3班"},
    ]
    rows = roster_service.check_rows(
        session,
        [
            {"student_number": f"N{i}", "full_name": "王", "line": i, **r}
            for i, r in enumerate(raws)
        ],
    )
    assert [r.cohort.id if r.cohort else r.errors for r in rows] == [cohort.id] * len(raws)


def test_the_cohort_chosen_on_upload_fills_rows_without_one(session):
    cohort = make_cohort(session)
    other = make_cohort(session)
    admin = make_admin(session)
    content = csv_bytes([["1001", "甲", ""], ["1002", "乙", cohort_label(other)]])
    record = roster_service.create_import(
        session, actor_id=admin.id, filename="c.csv", content=content, cohort_id=cohort.id
    )
    preview = roster_service.preview_import(session, import_id=record.id)
    assert [r.cohort.id for r in preview.rows] == [cohort.id, other.id]
    with pytest.raises(FormErrors) as caught:
        roster_service.create_import(
            session, actor_id=admin.id, filename="c.csv", content=content, cohort_id=999999
        )
    assert "cohort_id" in caught.value.errors


# --- committing ---------------------------------------------------------------------------


def _import(session, rows, *, header=None):
    admin = make_admin(session)
    content = csv_bytes(rows, header=header) if header else csv_bytes(rows)
    record = roster_service.create_import(
        session, actor_id=admin.id, filename="roster.csv", content=content
    )
    session.commit()
    return admin, record


def _commit(record, admin, n):
    """Commit in a transaction of its own, as the router does; on an error it rolls back."""
    with db.open_session(write=True) as tx:
        passwords = [(TEST_PASSWORD, _TEST_HASH)] * n
        accounts = roster_service.commit_import(
            tx, import_id=record.id, actor_id=admin.id, passwords=passwords
        )
        tx.commit()
    return accounts


def _students(session) -> int:
    return session.exec(select(func.count()).select_from(StudentProfile)).one()


@pytest.mark.commits  # the import commits through sessions of its own
def test_commit_creates_every_student_with_a_one_time_password(session):
    cohort = make_cohort(session)
    label = cohort_label(cohort)
    rows = [
        ["2024A01", "欧阳䶮", label, "ouyang@example.com", "138-0013-8000"],
        ["2024A02", "Li Lei", label, "", ""],
    ]
    admin, record = _import(session, rows, header=HEADER_EN)
    accounts = _commit(record, admin, 2)
    session.commit()
    assert [a.username for a in accounts] == ["2024a01", "2024a02"]
    user = session.exec(select(User).where(User.username == "2024a01")).one()
    assert user.full_name == "欧阳䶮" and user.role == "student" and user.must_change_password
    assert user.email == "ouyang@example.com"
    assert verify_password(TEST_PASSWORD, user.password_hash)
    profile = session.get(StudentProfile, user.id)
    assert (profile.student_number, profile.cohort_id, profile.phone) == (
        "2024A01",
        cohort.id,
        "138-0013-8000",
    )
    session.refresh(record)
    assert record.status == "committed" and record.imported_count == 2
    assert TEST_PASSWORD not in str(record.rows)
    with pytest.raises(Conflict):
        _commit(record, admin, 2)


@pytest.mark.commits  # the import commits through sessions of its own
def test_commit_writes_nothing_while_any_row_is_bad(session):
    cohort = make_cohort(session)
    rows = [["3001", "好", cohort_label(cohort)], ["3002", "", cohort_label(cohort)]]
    admin, record = _import(session, rows)
    with pytest.raises(roster_service.RosterRejected) as caught:
        _commit(record, admin, 2)
    assert [r.line for r in caught.value.preview.error_rows] == [3]
    session.expire_all()
    assert _students(session) == 0
    assert session.get(RosterImport, record.id).status == "preview"


@pytest.mark.commits  # the import commits through sessions of its own
def test_a_clash_only_the_database_sees_still_writes_nothing(session, monkeypatch):
    cohort = make_cohort(session)
    label = cohort_label(cohort)
    admin, record = _import(session, [["6001", "甲", label], ["6002", "乙", label]])
    make_student(session, username="6002")  # a username clash that validation will miss
    session.commit()
    check_rows = roster_service.check_rows

    def blind(tx, raw_rows):
        rows = check_rows(tx, raw_rows)
        for row in rows:
            row.errors.clear()
        return rows

    monkeypatch.setattr(roster_service, "check_rows", blind)
    with pytest.raises(Conflict) as caught:
        _commit(record, admin, 2)
    assert "Nothing was imported" in caught.value.message
    session.expire_all()
    assert session.exec(select(User).where(User.username == "6001")).first() is None
    assert session.get(RosterImport, record.id).status == "preview"


@pytest.mark.commits  # the import commits through sessions of its own
def test_a_student_added_between_preview_and_commit_stops_the_whole_import(session):
    cohort = make_cohort(session)
    label = cohort_label(cohort)
    admin, record = _import(session, [["4001", "甲", label], ["4002", "乙", label]])
    assert not roster_service.preview_import(session, import_id=record.id).error_rows
    other = make_student(session, username="someone-else")
    session.get(StudentProfile, other.id).student_number = "4002"
    session.commit()
    with pytest.raises(roster_service.RosterRejected) as caught:
        _commit(record, admin, 2)
    assert "already in the system" in str(caught.value.preview.rows[1].errors["student_number"])
    assert _students(session) == 1
    assert session.exec(select(User).where(User.username == "4001")).first() is None


@pytest.mark.commits  # the import commits through sessions of its own
def test_a_committed_import_cannot_be_discarded_but_a_preview_can(session):
    cohort = make_cohort(session)
    admin, record = _import(session, [["5001", "甲", cohort_label(cohort)]])
    _commit(record, admin, 1)
    session.expire_all()
    with pytest.raises(Conflict):
        roster_service.discard_import(session, import_id=record.id)
    _, second = _import(session, [["5002", "乙", cohort_label(cohort)]])
    roster_service.discard_import(session, import_id=second.id)
    assert session.get(RosterImport, second.id) is None


def test_issued_passwords_are_random_readable_and_hashed():
    pairs = roster_service.issue_passwords(8, workers=2)
    plain = [p for p, _ in pairs]
    assert len(set(plain)) == 8
    for password, password_hash in pairs:
        assert set(password) <= set(people_service.PASSWORD_ALPHABET) | {"-"}
        assert len(password) >= 10
        assert verify_password(password, password_hash)


@pytest.mark.commits  # the import commits through sessions of its own
def test_lost_one_time_passwords_can_be_issued_again_to_students_not_yet_logged_in(session):
    cohort = make_cohort(session)
    label = cohort_label(cohort)
    admin, record = _import(session, [["7001", "甲", label], ["7002", "乙", label]])
    _commit(record, admin, 2)
    session.expire_all()
    assert roster_service.preview_import(session, import_id=record.id).awaiting_first_login == 2
    settled = session.exec(select(User).where(User.username == "7002")).one()
    settled.must_change_password = False  # this one logged in and chose a password
    session.add(UserSession(token_hash="x" * 64, user_id=settled.id, csrf_token="c"))
    first = session.exec(select(User).where(User.username == "7001")).one()
    session.add(UserSession(token_hash="y" * 64, user_id=first.id, csrf_token="c"))
    session.commit()
    assert roster_service.preview_import(session, import_id=record.id).awaiting_first_login == 1

    pairs = roster_service.issue_passwords(1)
    with db.open_session(write=True) as tx:
        accounts = roster_service.reissue_passwords(tx, import_id=record.id, passwords=pairs)
        tx.commit()
    assert [(a.username, a.cohort.id) for a in accounts] == [("7001", cohort.id)]
    session.expire_all()
    first = session.get(User, first.id)
    assert verify_password(pairs[0][0], first.password_hash)
    assert not verify_password(TEST_PASSWORD, first.password_hash)
    assert first.must_change_password
    assert session.get(User, settled.id).password_hash == _TEST_HASH
    remaining = session.exec(select(UserSession.user_id)).all()
    assert remaining == [settled.id]
