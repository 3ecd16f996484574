"""Closing days are calendar dates at midnight UTC, each once, sorted."""

from datetime import UTC, date, datetime

import pytest

from shared.rules.closing_days import calendar_day, normalise, with_days, without_days

CHRISTMAS = datetime(2025, 12, 25, tzinfo=UTC)
BOXING_DAY = datetime(2025, 12, 26, tzinfo=UTC)


@pytest.mark.parametrize("written", ["2025-12-25", "2025-12-25T00:00:00Z", "2025-12-25T13:45:00",
                                     "2025-12-25T23:30:00-05:00", "2025-12-25T00:00:00+01:00",
                                     date(2025, 12, 25)])
def test_any_time_on_a_date_is_that_date_at_midnight_utc(written):
    assert calendar_day(written) == CHRISTMAS


def test_a_value_that_is_not_a_date_is_refused():
    with pytest.raises(ValueError):
        calendar_day("christmas")


def test_days_are_deduplicated_and_sorted():
    assert normalise(["2025-12-26", "2025-12-25T10:00:00Z", "2025-12-25"]) == [CHRISTMAS, BOXING_DAY]


def test_adding_keeps_existing_days_once():
    assert with_days([BOXING_DAY], ["2025-12-25", "2025-12-26T00:00:00Z"]) == [CHRISTMAS, BOXING_DAY]


def test_removing_ignores_days_that_are_not_closing_days():
    assert without_days([CHRISTMAS, BOXING_DAY], ["2025-12-26T08:00:00Z", "2026-01-01"]) == [CHRISTMAS]
