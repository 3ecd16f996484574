"""Employee schedule validation: one workday per weekday, forward hours, known types, a sane cap."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from shared.demo.config_schedules import SCHEDULES, bank_holidays, coming_holidays, easter_sunday
from shared.models.locations import Location
from shared.models.schedules import DayOfWeek, EmployeeScheduleWrite, Workday
from shared.rules.locations import meeting_location
from shared.rules.schedules import actual_location, in_week_order, schedule_errors

EMPLOYEE = "6f1c7a52-5b9e-4c1f-9a57-0c6f2f8e4b10"


def schedule(*workdays: dict, **fields) -> EmployeeScheduleWrite:
    return EmployeeScheduleWrite.model_validate({"employeeId": EMPLOYEE, "workdays": list(workdays), **fields})


def day(name: str = "Monday", start: str = "08:00:00", end: str = "16:00:00", *types: str) -> dict:
    return {"dayOfWeek": name, "from": start, "to": end,
            "availableMeetingTypes": [{"type": t} for t in types or ("Physical",)]}


def test_a_plain_working_week_is_valid():
    week = [day(d.value) for d in DayOfWeek][:5]
    assert schedule_errors(schedule(*week)) == {}


def test_the_same_weekday_twice_is_refused_on_both_entries():
    errors = schedule_errors(schedule(day("Monday"), day("monday", "12:00:00", "13:00:00")))
    assert set(errors) == {"workdays.0.dayOfWeek", "workdays.1.dayOfWeek"}


def test_a_workday_must_end_after_it_starts():
    assert "workdays.0.to" in schedule_errors(schedule(day("Tuesday", "16:00:00", "08:00:00")))
    assert "workdays.0.to" in schedule_errors(schedule(day("Tuesday", "09:00:00", "09:00:00")))


def test_a_meeting_type_listed_twice_is_refused():
    errors = schedule_errors(schedule(day("Friday", "08:00:00", "12:00:00", "Online", "online")))
    assert errors == {"workdays.0.availableMeetingTypes": ["Online is listed more than once."]}


@pytest.mark.parametrize("cap", ["00:00:00", "1.00:00:01", "-01:00:00"])
def test_a_daily_cap_must_be_more_than_zero_and_at_most_a_day(cap):
    assert "maxMeetingTimePerDay" in schedule_errors(schedule(maxMeetingTimePerDay=cap))


def test_a_missing_cap_means_not_set():
    parsed = schedule(day())
    assert parsed.max_meeting_time_per_day is None
    assert schedule(maxMeetingTimePerDay="PT4H").max_meeting_time_per_day == timedelta(hours=4)


def test_days_are_read_case_insensitively_and_written_pascal_case():
    parsed = schedule(day("wEdNeSdAy"))
    assert parsed.to_json()["workdays"][0]["dayOfWeek"] == "Wednesday"
    assert parsed.to_json()["workdays"][0]["from"] == "08:00:00"


@pytest.mark.parametrize("bad", [day("Someday"), day("Monday", "8 o'clock"), day("Monday", "08:00:00", "25:00:00"),
                                 day("Monday", "08:00:00", "16:00:00", "Carrier pigeon")])
def test_unknown_days_types_and_malformed_times_fail_parsing(bad):
    with pytest.raises(ValidationError):
        schedule(bad)


def test_workdays_are_put_in_week_order():
    parsed = schedule(day("Sunday"), day("Monday"), day("Wednesday"))
    assert [w.day_of_week for w in in_week_order(parsed.workdays)] == [DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY,
                                                                         DayOfWeek.SUNDAY]


def test_every_demo_schedule_is_valid_and_every_advisor_has_one():
    from shared.demo import bank

    assert {s.employee_id for s in SCHEDULES} == {e.id for e in bank.EMPLOYEES}
    assert all(schedule_errors(s) == {} for s in SCHEDULES)
    assert any(not s.can_be_booked for s in SCHEDULES)
    assert any(s.is_only_explicitly_available for s in SCHEDULES)


def test_easter_and_the_danish_bank_holidays_follow_it():
    from datetime import date

    assert easter_sunday(2027) == date(2027, 3, 28)
    holidays = bank_holidays(2027)
    assert date(2027, 3, 25) in holidays  # Maundy Thursday
    assert date(2027, 5, 6) in holidays  # Ascension Day
    assert date(2027, 12, 24) in holidays
    assert date(2026, 12, 24) in coming_holidays(date(2026, 11, 24))
    assert date(2026, 11, 1) not in coming_holidays(date(2026, 11, 24))


ROSKILDE = Location(id="0b6c1f0e-8f7a-4a53-9d55-1f2d6f4a1c11", location="ROS", display_name="Roskilde",
                    require_available_room=True)


def workday_at(location: str | None) -> Workday:
    return Workday.model_validate({**day(), "location": location})


def test_a_workday_without_a_location_is_at_the_employees_directory_location():
    assert meeting_location(workday_at(None).location, "CPH-HQ") == "CPH-HQ"
    assert meeting_location(workday_at("  ").location, "CPH-HQ") == "CPH-HQ"
    assert meeting_location(workday_at(" ROS ").location, "CPH-HQ") == "ROS"
    assert meeting_location(workday_at(None).location, None) is None


def test_the_actual_location_is_the_matching_location_whatever_the_case():
    found = actual_location("ros", {ROSKILDE.key: ROSKILDE})
    assert found.model_dump(mode="json", by_alias=True) == ROSKILDE.model_dump(mode="json", by_alias=True)


def test_text_no_location_matches_is_kept_as_a_location_without_id():
    found = actual_location("Somewhere unknown", {ROSKILDE.key: ROSKILDE})
    assert found.model_dump(mode="json", by_alias=True) == {
        "id": None, "location": "Somewhere unknown", "displayName": "Somewhere unknown",
        "addRoomsToBookedMeetings": False, "requireAvailableRoom": False}
    assert actual_location(None, {ROSKILDE.key: ROSKILDE}) is None


def test_the_readme_sample_day_is_an_open_thursday_after_today_within_the_booking_horizon_on_any_day():
    from datetime import date

    from shared.demo.config_schedules import next_open_thursday

    today = date(2026, 1, 1)
    while today < date(2036, 1, 1):
        day = next_open_thursday(today)
        assert day.weekday() == 3 and day > today and day not in coming_holidays(today)
        # Asked at the last minute of `today`, the day still ends inside the 30-day horizon.
        assert day - today <= timedelta(days=28), today
        today += timedelta(days=1)
    assert next_open_thursday(date(2026, 12, 17)) == date(2027, 1, 7)  # 24 and 31 December are closed
    assert next_open_thursday(date(2027, 5, 3)) == date(2027, 5, 13)  # Ascension Day, 6 May
