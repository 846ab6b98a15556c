"""The shared form field types and the form-model base: what a person may type, and the
message they see beside the field when it cannot be used."""

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum

import pytest
from pydantic import Field
from starlette.datastructures import FormData

from app.errors import FormErrors
from app.i18n import activate
from app.schemas import (
    Choice,
    Count,
    Flag,
    FormModel,
    HourMinute,
    Id,
    IdList,
    LocalDate,
    LocalDateTime,
    Money,
    Number,
    OptionalId,
    OptionalMoney,
    OptionalText,
    Text,
)
from app.schemas.times import date_or_none


class Colour(Enum):
    red = "red"
    blue = "blue"


class Everything(FormModel):
    name: Text(20, required=True)
    note: OptionalText(50)
    team_id: Id
    booking_id: OptionalId
    member_ids: IdList
    price: Money()
    target: OptionalMoney()
    minutes: Count(low=1, high=600)
    on: LocalDate()
    until: LocalDate(required=False)
    starts: LocalDateTime()
    opens: HourMinute()
    weight: Number(low=0, high=100, places=1)
    colour: Choice(Colour)
    public: Flag()


GOOD = {
    "name": "  星火团队  ",
    "note": "",
    "team_id": "7",
    "booking_id": "",
    "member_ids": ["3", "4", "3", ""],
    "price": "¥1,280.5",
    "target": "",
    "minutes": "90",
    "on": "2026-09-01",
    "until": "",
    "starts": "2026-09-01T19:30",
    "opens": "08:30",
    "weight": "12.5",
    "colour": "blue",
    "public": "on",
}


def errors_for(**changes) -> dict:
    with pytest.raises(FormErrors) as caught:
        Everything.parse({**GOOD, **changes})
    activate("en")
    return {field: str(message) for field, message in caught.value.errors.items()}


def test_good_text_becomes_typed_values():
    form = Everything.parse(GOOD)
    assert form.name == "星火团队"
    assert form.note is None
    assert (form.team_id, form.booking_id, form.member_ids) == (7, None, [3, 4])
    assert (form.price, form.target) == (128050, None)
    assert form.minutes == 90
    assert (form.on, form.until) == (date(2026, 9, 1), None)
    # 19:30 in Shanghai is 11:30 UTC
    assert form.starts == datetime(2026, 9, 1, 11, 30, tzinfo=UTC)
    assert form.opens == 510
    assert form.weight == Decimal("12.5")
    assert form.colour == "blue"
    assert form.public is True


@pytest.mark.parametrize(
    "huge", ["2147483648", "9223372036854775808", "1" + "0" * 23, "1e308", "-1", "0", "abc"]
)
def test_ids_outside_the_rows_of_a_table_are_refused(huge):
    errors = errors_for(team_id=huge, booking_id=huge, member_ids=[huge])
    assert errors["team_id"] == "Choose an item from the list."
    assert errors["booking_id"] == "Choose an item from the list."
    assert errors["member_ids"] == "Choose an item from the list."


def test_the_largest_row_id_is_accepted():
    assert Everything.parse({**GOOD, "team_id": "2147483647"}).team_id == 2**31 - 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e308", "Enter an amount in yuan, e.g. 1280.50."),
        ("Infinity", "Enter an amount in yuan, e.g. 1280.50."),
        ("NaN", "Enter an amount in yuan, e.g. 1280.50."),
        ("12.345", "Enter an amount in yuan, e.g. 1280.50."),
        ("-5", "The amount cannot be negative."),
        ("1000000001", "The amount is too large."),
        ("9" * 40, "The amount is too large."),
        ("", "Enter an amount."),
    ],
)
def test_money_is_yuan_with_two_decimals_under_a_ceiling(typed, message):
    assert errors_for(price=typed)["price"] == message


def test_money_at_the_ceiling_is_accepted_and_optional_money_may_be_blank():
    form = Everything.parse({**GOOD, "price": "1000000000", "target": "0.05"})
    assert (form.price, form.target) == (100_000_000_000, 5)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9999-12-31", "Enter a date between 2000 and 2100."),
        ("0000-00-00", "Enter a date as YYYY-MM-DD."),
        ("1999-12-31", "Enter a date between 2000 and 2100."),
        ("2026-02-30", "Enter a date as YYYY-MM-DD."),
        ("next week", "Enter a date as YYYY-MM-DD."),
        ("", "Enter a date."),
    ],
)
def test_dates_are_real_days_within_sane_bounds(typed, message):
    assert errors_for(on=typed)["on"] == message


def test_date_times_out_of_bounds_are_refused():
    assert errors_for(starts="9999-12-31T23:59")["starts"] == "Enter a date between 2000 and 2100."
    assert errors_for(starts="0000-00-00T00:00")["starts"] == (
        "Enter a date and time as YYYY-MM-DD HH:MM."
    )


@pytest.mark.parametrize("typed", ["24:01", "8", "08:60", "-1:00", "99:00", "ab:cd"])
def test_times_of_day_are_hh_mm(typed):
    assert errors_for(opens=typed)["opens"] == "Enter a time as HH:MM."


def test_midnight_at_the_end_of_the_day_is_allowed():
    assert Everything.parse({**GOOD, "opens": "24:00"}).opens == 24 * 60


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Enter at least 1."),
        ("601", "Enter at most 600."),
        ("9223372036854775808", "Enter at most 600."),
        ("1.5", "Enter a whole number."),
        ("-3", "The number cannot be negative."),
        ("", "Enter a number."),
    ],
)
def test_counts_are_whole_numbers_within_bounds(typed, message):
    assert errors_for(minutes=typed)["minutes"] == message


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e308", "Enter a number, e.g. 12.5."),
        ("101", "Enter at most 100."),
        ("12.55", "Use at most 1 decimal places."),
        ("NaN", "Enter a number, e.g. 12.5."),
    ],
)
def test_decimals_are_bounded_with_limited_places(typed, message):
    assert errors_for(weight=typed)["weight"] == message


@pytest.mark.parametrize("typed", ["a\x00b", "left\u202eright", "iso\u2066late", "bell\x07"])
def test_text_with_nul_or_direction_overrides_is_refused(typed):
    assert errors_for(name=typed)["name"] == (
        "Remove the control or text-direction characters from this field."
    )


def test_text_is_trimmed_required_and_bounded():
    assert errors_for(name="   ")["name"] == "This field is required."
    assert errors_for(name="字" * 21)["name"] == "Use at most 20 characters."
    assert Everything.parse({**GOOD, "name": "字" * 20}).name == "字" * 20


def test_choices_must_be_one_of_the_options():
    assert errors_for(colour="green")["colour"] == "Choose one of the options."


def test_an_unticked_checkbox_is_false_and_a_missing_field_is_required():
    values = dict(GOOD)
    del values["public"], values["team_id"]
    with pytest.raises(FormErrors) as caught:
        Everything.parse(values)
    assert set(caught.value.errors) == {"team_id"}
    values["team_id"] = "1"
    assert Everything.parse(values).public is False


def test_messages_are_translated_when_shown():
    with pytest.raises(FormErrors) as caught:
        Everything.parse({**GOOD, "price": "-1", "name": "x" * 21})
    activate("zh_CN")
    assert str(caught.value.errors["price"]) == "金额不能为负数。"
    assert "20" in str(caught.value.errors["name"])
    activate("en")


class Aliased(FormModel):
    product_names: IdList = Field(alias="product_name")
    title: Text(10)


def test_a_posted_form_is_read_by_html_name_and_shown_back_by_field_as_sent():
    posted = FormData(
        [("title", "  x  "), ("product_name", "1"), ("product_name", "2"), ("other", "y")]
    )
    submitted = Aliased.submitted(posted)
    assert submitted.values == {"title": "  x  ", "product_names": ["1", "2"]}
    assert submitted.values.missing == ""
    assert submitted.valid().product_names == [1, 2]
    assert submitted.valid().title == "x"


def test_errors_are_keyed_by_field_name_not_html_name():
    with pytest.raises(FormErrors) as caught:
        Aliased.submitted(FormData([("product_name", "x")])).valid()
    assert set(caught.value.errors) == {"product_names"}


def test_every_problem_is_reported_at_once():
    with pytest.raises(FormErrors) as caught:
        Everything.parse({**GOOD, "price": "x", "on": "x", "team_id": "x", "name": ""})
    assert set(caught.value.errors) == {"price", "on", "team_id", "name"}


class Span(FormModel):
    starts: LocalDateTime()
    ends: LocalDateTime()
    size: Count()

    def field_problems(self):
        if self.has("starts", "ends") and self.ends <= self.starts:
            return {"ends": "The end must be after the start."}
        return {}


def test_checks_across_fields_are_reported_with_the_field_errors():
    with pytest.raises(FormErrors) as caught:
        Span.parse({"starts": "2026-09-01T10:00", "ends": "2026-09-01T09:00", "size": "x"})
    assert set(caught.value.errors) == {"ends", "size"}


def test_a_check_needing_an_invalid_field_waits_for_it():
    with pytest.raises(FormErrors) as caught:
        Span.parse({"starts": "soon", "ends": "2026-09-01T09:00", "size": "1"})
    assert set(caught.value.errors) == {"starts"}


class Dated(FormModel):
    on: LocalDate(not_future=True)
    size: Choice(("s", "m"), message="Choose a size.")


def test_a_date_that_must_not_be_in_the_future():
    from app.services import clock

    tomorrow = clock.today().toordinal() + 1
    with pytest.raises(FormErrors) as caught:
        Dated.parse({"on": date.fromordinal(tomorrow).isoformat(), "size": "xl"})
    activate("en")
    assert str(caught.value.errors["on"]) == "The date cannot be in the future."
    assert str(caught.value.errors["size"]) == "Choose a size."
    assert Dated.parse({"on": clock.today().isoformat(), "size": "m"}).size == "m"


class Filter(FormModel):
    weeks: Count(low=1, high=52) = 4
    start: LocalDate(required=False) = None
    q: Text(20) = ""


def test_filters_from_a_query_string_fall_back_to_their_defaults():
    assert Filter.lenient(FormData([("weeks", "9" * 30), ("start", "9999-12-31")])) == Filter()
    kept = Filter.lenient(FormData([("weeks", "8"), ("start", "0000-00-00"), ("q", "x\x00")]))
    assert (kept.weeks, kept.start, kept.q) == (8, None, "")
    assert Filter.lenient(FormData([("start", "2026-09-01")])).start == date(2026, 9, 1)


class Worded(FormModel):
    semester: Count(low=1, high=6, message="Choose a semester from 1 to 6.")
    credits: Number(low=0, high="99.9", places=1, message="Enter credits from 0 to 99.9.")


def test_a_form_may_word_a_fields_rule_once():
    with pytest.raises(FormErrors) as caught:
        Worded.parse({"semester": "7", "credits": "2.55"})
    activate("en")
    assert {k: str(v) for k, v in caught.value.errors.items()} == {
        "semester": "Choose a semester from 1 to 6.",
        "credits": "Enter credits from 0 to 99.9.",
    }
    assert Worded.parse({"semester": "6", "credits": "99.9"}).credits == Decimal("99.9")


def test_values_already_read_can_be_read_again():
    values = Filter.read(FormData([("weeks", "8"), ("q", "x")]))
    assert Filter.read(values) == values


@pytest.mark.parametrize("text", ["9999-12-31", "0000-00-00", "2026-02-30", "next week", ""])
def test_a_date_in_a_link_that_names_no_day_is_none(text):
    assert date_or_none(text) is None


def test_a_date_in_a_link_is_read_like_a_typed_one():
    assert date_or_none(" 2026/09/07 ") == date(2026, 9, 7)
