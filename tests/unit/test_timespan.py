from datetime import timedelta

import pytest

from shared.rules.timespan import format_timespan, parse_timespan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04:00:00", timedelta(hours=4)),
        ("30.00:00:00", timedelta(days=30)),
        ("7.00:00:00", timedelta(days=7)),
        ("00:30", timedelta(minutes=30)),
        ("00:00:01.5", timedelta(seconds=1.5)),
        ("PT4H", timedelta(hours=4)),
        ("P1DT2H30M", timedelta(days=1, hours=2, minutes=30)),
        ("pt45m", timedelta(minutes=45)),
        ("-01:00:00", -timedelta(hours=1)),
    ],
)
def test_parses_timespans_and_iso_durations(text, expected):
    assert parse_timespan(text) == expected


@pytest.mark.parametrize("text", ["", "4h", "25:00:00", "00:61:00", "P", "PT", "1.2.3", "abc"])
def test_rejects_what_is_not_a_duration(text):
    with pytest.raises(ValueError):
        parse_timespan(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [(timedelta(hours=4), "04:00:00"), (timedelta(days=30), "30.00:00:00"),
     (timedelta(seconds=1.5), "00:00:01.5000000"), (timedelta(minutes=90), "01:30:00")],
)
def test_formats_as_dotnet_timespan(value, text):
    assert format_timespan(value) == text
    assert parse_timespan(text) == value


@pytest.mark.parametrize("text", ["5802757417.00:00:00", "99069589473172487.02:08:54.7", "P99999999999D"])
def test_durations_too_long_for_timedelta_are_value_errors(text):
    with pytest.raises(ValueError):
        parse_timespan(text)
