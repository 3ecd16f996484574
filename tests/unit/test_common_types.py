from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from shared.models.common import ApiModel, MeetingType, TimeOfDay, TimeSpan, UtcDateTime, Uuid, format_utc, parse_utc


class Sample(ApiModel):
    when: UtcDateTime
    length: TimeSpan
    opens: TimeOfDay
    meeting_type: MeetingType
    owner_id: Uuid


def test_reads_camel_case_and_writes_camel_case_json():
    sample = Sample.model_validate({"when": "2025-10-10T10:00:00+02:00", "length": "PT1H", "opens": "08:00:00",
                                    "meetingType": "physical", "ownerId": "3FA85F64-5717-4562-B3FC-2C963F66AFA6",
                                    "unknown": "ignored"})
    assert sample.to_json() == {"when": "2025-10-10T08:00:00.000Z", "length": "01:00:00", "opens": "08:00:00",
                                "meetingType": "Physical", "ownerId": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}


def test_a_date_time_without_offset_means_utc():
    assert parse_utc("2025-10-10T08:00:00") == datetime(2025, 10, 10, 8, tzinfo=UTC)


def test_formats_utc_with_milliseconds_and_z():
    moment = datetime(2025, 10, 10, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert format_utc(moment) == "2025-10-10T08:00:00.123Z"


@pytest.mark.parametrize("field,value", [("meetingType", "Hologram"), ("ownerId", "42"), ("length", "soon"),
                                         ("opens", "25:00:00"), ("when", "yesterday")])
def test_bad_values_fail_validation(field, value):
    good = {"when": "2025-10-10T08:00:00Z", "length": "01:00:00", "opens": "08:00:00", "meetingType": "Online",
            "ownerId": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}
    with pytest.raises(ValidationError):
        Sample.model_validate({**good, field: value})


@pytest.mark.parametrize("field,value", [("opens", 42), ("length", 3600), ("opens", True)])
def test_numbers_are_not_times_of_day_or_durations(field, value):
    good = {"when": "2025-10-10T08:00:00Z", "length": "01:00:00", "opens": "08:00:00", "meetingType": "Online",
            "ownerId": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}
    with pytest.raises(ValidationError):
        Sample.model_validate({**good, field: value})


def test_early_years_are_zero_padded():
    assert format_utc(datetime(55, 4, 9, tzinfo=UTC)) == "0055-04-09T00:00:00.000Z"


@pytest.mark.parametrize("text", ["0001-01-01T01:00:00+22:30", "0055-04-09T00:00:00Z", "9999-12-31T23:00:00Z"])
def test_date_times_outside_1900_to_9000_are_refused(text):
    with pytest.raises(ValueError):
        parse_utc(text)
