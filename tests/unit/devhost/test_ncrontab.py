from datetime import datetime

import pytest

from tools.devhost.ncrontab import Schedule


def test_every_minute_fires_at_second_zero():
    assert Schedule("0 */1 * * * *").next_after(datetime(2025, 1, 1, 10, 0, 30)) == datetime(2025, 1, 1, 10, 1, 0)


def test_every_two_seconds():
    assert Schedule("*/2 * * * * *").next_after(datetime(2025, 1, 1, 10, 0, 1)) == datetime(2025, 1, 1, 10, 0, 2)


def test_weekday_mornings():
    # 2025-01-04 is a Saturday: the next weekday 09:30 is Monday the 6th.
    schedule = Schedule("0 30 9 * * 1-5")
    assert schedule.next_after(datetime(2025, 1, 3, 9, 30)) == datetime(2025, 1, 6, 9, 30)


def test_named_days_and_months():
    assert Schedule("0 0 12 1 Jan Wed").next_after(datetime(2025, 1, 1, 0, 0)) == datetime(2025, 1, 1, 12, 0)


@pytest.mark.parametrize("expression", ["* * * * *", "61 * * * * *", "0 0 25 * * *"])
def test_rejects_malformed_schedules(expression):
    with pytest.raises(ValueError):
        Schedule(expression)


def test_seven_is_an_ordinary_value_in_every_field_but_the_weekday():
    assert Schedule("7 7 7 * * *").next_after(datetime(2025, 1, 1, 0, 0)) == datetime(2025, 1, 1, 7, 7, 7)
    assert Schedule("0 0 0 7 7 *").next_after(datetime(2025, 1, 1)) == datetime(2025, 7, 7)


def test_weekday_seven_is_sunday():
    assert Schedule("0 0 12 * * 7").next_after(datetime(2025, 1, 1)) == datetime(2025, 1, 5, 12)
