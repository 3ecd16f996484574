"""Nordhavn Bank's configuration: organization settings with Danish holidays, the four branches
as locations, and a working week for every advisor."""

from datetime import date, time, timedelta

from shared.context import Context
from shared.demo import bank, demo_id
from shared.demo.patience import patiently
from shared.errors import Conflict
from shared.models.common import MeetingType
from shared.models.locations import Location
from shared.models.organization import OutlookSync
from shared.models.schedules import DayOfWeek, EmployeeSchedule, MeetingTypeOption, Workday
from shared.services import crud, locations, organization, schedules

PHY, ONL, TEL, OFF = MeetingType.PHYSICAL, MeetingType.ONLINE, MeetingType.TELEPHONE, MeetingType.OFFSITE
WEEK = [DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY]

LOCATIONS = [
    Location(id=demo_id("location", "CPH-HQ"), location="CPH-HQ", display_name="København (hovedsæde)",
             add_rooms_to_booked_meetings=True),
    Location(id=demo_id("location", "AAR"), location="AAR", display_name=bank.BRANCHES["AAR"],
             require_available_room=True),
    Location(id=demo_id("location", "ODE"), location="ODE", display_name=bank.BRANCHES["ODE"]),
    Location(id=demo_id("location", "AAL"), location="AAL", display_name=bank.BRANCHES["AAL"]),
]

EARLY, LATE = (time(8), time(16)), (time(9), time(17))

# name: (hours Monday-Thursday, Friday's hours, meeting types, extra settings)
_WEEKS: dict[str, tuple[tuple[time, time], tuple[time, time], list[MeetingType], dict]] = {
    "Mette Nielsen": (EARLY, EARLY, [PHY, ONL], {}),
    "Lars Jensen": (LATE, LATE, [PHY, ONL], {}),
    "Sofie Hansen": (EARLY, (time(8), time(14)), [PHY, ONL, TEL], {}),
    "Anders Pedersen": (LATE, (time(9), time(15)), [PHY, ONL], {}),
    "Camilla Andersen": (EARLY, EARLY, [PHY, ONL, TEL], {}),
    "Rasmus Christensen": (EARLY, (time(8), time(13)), [PHY, ONL, OFF],
                           {"max_meeting_time_per_day": timedelta(hours=5)}),
    "Ida Larsen": (LATE, LATE, [PHY, ONL, OFF], {"max_meeting_time_per_day": timedelta(hours=4)}),
    "Mikkel Sørensen": (EARLY, EARLY, [PHY, ONL], {"can_be_booked": False}),
    "Louise Rasmussen": (EARLY, (time(8), time(14)), [PHY, ONL], {}),
    "Jesper Jørgensen": (LATE, LATE, [PHY, ONL, OFF], {}),
    "Anne Petersen": (EARLY, EARLY, [PHY, ONL, TEL], {}),
    "Thomas Madsen": (LATE, (time(9), time(15)), [PHY, ONL], {}),
    "Julie Kristensen": (EARLY, EARLY, [ONL, TEL], {"max_meeting_time_per_day": timedelta(hours=4)}),
    "Henrik Olsen": (EARLY, EARLY, [PHY, ONL], {}),
    "Maria Thomsen": (LATE, (time(9), time(14)), [PHY, ONL, TEL], {}),
    "Søren Christiansen": (EARLY, EARLY, [PHY, ONL, OFF], {}),
    "Katrine Poulsen": (LATE, LATE, [PHY, ONL], {}),
    "Niels Johansen": (EARLY, (time(8), time(13)), [PHY, TEL], {}),
    "Emma Møller": (EARLY, EARLY, [PHY, ONL], {}),
    "Peter Mortensen": (LATE, (time(9), time(12)), [PHY, ONL],
                        {"is_only_explicitly_available": True, "max_meeting_time_per_day": timedelta(hours=3)}),
}
# Pension advice in Odense is covered from Aarhus once a week.
_ELSEWHERE = {("Thomas Madsen", DayOfWeek.WEDNESDAY): "ODE"}


def _schedule(name: str) -> EmployeeSchedule:
    employee = bank.employee_named(name)
    weekdays, friday, types, extra = _WEEKS[name]
    workdays = [
        Workday(day_of_week=day, from_=(friday if day is DayOfWeek.FRIDAY else weekdays)[0],
                to=(friday if day is DayOfWeek.FRIDAY else weekdays)[1],
                available_meeting_types=[MeetingTypeOption(type=t) for t in types],
                location=_ELSEWHERE.get((name, day), employee.location))
        for day in WEEK
    ]
    return EmployeeSchedule(id=demo_id("employeeSchedule", employee.id), employee_id=employee.id,
                            workdays=workdays, **extra)


SCHEDULES = [_schedule(employee.name) for employee in bank.EMPLOYEES]


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (h + m - 7 * ((a + 11 * h + 19 * m) // 433) + 90) // 25
    p = (h + m - 7 * ((a + 11 * h + 19 * m) // 433) + 33 * n + 19) % 32
    return date(year, n, p)


def bank_holidays(year: int) -> list[date]:
    """Days Danish banks are closed: the public holidays plus Constitution Day, Christmas Eve and New Year's Eve."""
    easter = easter_sunday(year)
    movable = [easter + timedelta(days=n) for n in (-3, -2, 0, 1, 39, 49, 50)]
    fixed = [date(year, 1, 1), date(year, 6, 5), date(year, 12, 24), date(year, 12, 25), date(year, 12, 26),
             date(year, 12, 31)]
    return sorted(movable + fixed)


def coming_holidays(today: date) -> list[date]:
    """The bank holidays from today through the same day next year."""
    end = today + timedelta(days=366)
    return [d for year in (today.year, today.year + 1) for d in bank_holidays(year) if today <= d <= end]


def next_open_thursday(today: date) -> date:
    """The first Thursday after `today` that is no bank holiday: the README's sample day, on which
    every advisor works a full day (Fridays are shorter) well inside the 30-day booking horizon."""
    day = today + timedelta(days=(3 - today.weekday()) % 7 or 7)
    while day in bank_holidays(day.year):
        day += timedelta(days=7)
    return day


async def load_config_and_schedules(ctx: Context) -> None:
    """Organization settings, locations and schedules; existing ones are updated, never duplicated."""
    settings = await patiently(lambda: organization.current_settings(ctx))
    await patiently(lambda: organization.add_closing_days(ctx, settings.item.id, coming_holidays(ctx.clock().date())))
    # The demo advisors' mailboxes live in the local Microsoft Graph stand-in (contract section 23).
    await patiently(lambda: crud.update(organization.settings_store(ctx), settings.item.id, organization.WHAT,
                                        lambda s: s.model_copy(update={"outlook_sync": OutlookSync.TWO_WAY})))
    for location in LOCATIONS:
        await _upsert(locations.locations(ctx), location, "location")
    for schedule in SCHEDULES:
        await _upsert(schedules.schedules(ctx), schedule, "employee schedule")


async def _upsert(store, item, what: str) -> None:
    try:
        await patiently(lambda: crud.upsert(store, item, what))
    except Conflict:
        pass  # someone gave that identifier or employee its own item through the API: keep theirs
