"""The capacity report's figures (contract section 25) from one engine pass: the minutes it
tallied per employee and local day, and the slots it found. Plain JSON, built directly. Pure."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from shared.rules.availability_explain import Exclusion
from shared.rules.availability_minutes import DayMinutes, Minutes
from shared.rules.availability_model import Slot
from shared.rules.availability_time import SECOND_US
from shared.rules.local_days import local_date

MINUTE_US = 60 * SECOND_US
# The columns of a day's figures, in the order of the JSON and of the CSV.
FIGURES = ("scheduledMinutes", "bookedMinutes", "bufferMinutes", "outlookBusyMinutes", "freeMinutes",
           "workingElsewhereMinutes", "utilization", "slots")


def slots_per_day(slots: Iterable[Slot], zone: str) -> Counter:
    """How many search entries each (employee, local date) has."""
    tz = ZoneInfo(zone)
    found: Counter = Counter()
    for slot in slots:
        found[slot.employee_id, local_date(slot.start, tz)] += 1
    return found


def minutes(microseconds: int) -> int | float:
    """Whole minutes as an integer, else to two decimals (bookings may start off the minute)."""
    whole, rest = divmod(microseconds, MINUTE_US)
    return whole if not rest else round(microseconds / MINUTE_US, 2)


def utilization(booked: int, scheduled: int) -> float | None:
    """Booked over scheduled time; None when nothing was scheduled (0/0 is no capacity, not 0 %)."""
    return round(booked / scheduled, 4) if scheduled else None


def figures(tallied: DayMinutes, slots: int) -> dict[str, Any]:
    return {"scheduledMinutes": minutes(tallied.scheduled), "bookedMinutes": minutes(tallied.booked),
            "bufferMinutes": minutes(tallied.buffer), "outlookBusyMinutes": minutes(tallied.outlook_busy),
            "freeMinutes": minutes(tallied.free), "workingElsewhereMinutes": minutes(tallied.elsewhere),
            "utilization": utilization(tallied.booked, tallied.scheduled), "slots": slots}


def _sum(days: Iterable[DayMinutes]) -> DayMinutes:
    total = [0] * 6
    for day in days:
        for index, value in enumerate((day.scheduled, day.booked, day.outlook_busy, day.buffer, day.free,
                                       day.elsewhere)):
            total[index] += value
    return DayMinutes(*total)


def report(employee_ids: Sequence[str], tallied: Minutes, slots: Counter, per_employee: bool,
           names: Mapping[str, str | None], excluded: Mapping[str, Exclusion]) -> dict[str, Any]:
    """`totals` and `days` of everyone; with `per_employee`, `employees` with their own."""
    dates: list[date] = tallied.dates
    rows = {employee_id: tallied.employee(employee_id) for employee_id in employee_ids}
    day_totals = [_sum(rows[employee_id][index] for employee_id in employee_ids) for index in range(len(dates))]
    slot_totals = [sum(slots[employee_id, day] for employee_id in employee_ids) for day in dates]
    found: dict[str, Any] = {
        "totals": figures(_sum(day_totals), sum(slot_totals)),
        "days": [{"date": day.isoformat(), **figures(total, count)}
                 for day, total, count in zip(dates, day_totals, slot_totals, strict=True)],
    }
    if per_employee:
        found["employees"] = [{
            "employeeId": employee_id, "name": names.get(employee_id),
            "excluded": excluded[employee_id].value if employee_id in excluded else None,
            "totals": figures(_sum(rows[employee_id]), sum(slots[employee_id, day] for day in dates)),
            "days": [{"date": day.isoformat(), **figures(row, slots[employee_id, day])}
                     for day, row in zip(dates, rows[employee_id], strict=True)],
        } for employee_id in employee_ids]
    return found


def csv_rows(found: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The report as a table: one row per day, or per employee and day when it has employees."""
    if "employees" not in found:
        return ["date", *FIGURES], [[day["date"], *(day[name] for name in FIGURES)] for day in found["days"]]
    header = ["date", "employeeId", "employeeName", "excluded", *FIGURES]
    return header, [[day["date"], employee["employeeId"], employee["name"], employee["excluded"],
                     *(day[name] for name in FIGURES)]
                    for employee in found["employees"] for day in employee["days"]]
