"""Hypothesis strategies for availability: random organizations, advisors, busy time and queries.

They lean towards office hours and whole half-hours so that most examples yield slots and hit
the boundaries (a meeting ending exactly at a slot start, now exactly at expiry), with a
minority of wild values: odd seconds and microseconds, reversed or empty workdays, DST weekends.
"""

import dataclasses
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from shared.rules.availability import Advisor, Busy, BusyKind, MeetingType, Organization, Room, SlotQuery, Workday

# Zones with 60- and 30-minute DST shifts and a quarter-hour offset; base days are their DST weekends.
ZONES = ["UTC", "Europe/Copenhagen", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"]
BASE_DAYS = [
    date(2025, 3, 29),
    date(2025, 10, 25),
    date(2025, 3, 8),
    date(2025, 11, 1),
    date(2025, 4, 5),
    date(2025, 10, 4),
]
LOCATIONS = [None, "Aarhus", " aarhus", "Odense"]
IDS = ["amy", "bob", "cyd", "dan"]

mostly_true = st.sampled_from([True, True, True, False])
rarely = st.sampled_from([False] * 5 + [True])
meeting_types = st.frozensets(st.sampled_from(list(MeetingType)))
usual_types = st.one_of(st.just(frozenset(MeetingType)), meeting_types)
quarter_hours = st.integers(0, 95).map(lambda q: time(q // 4, q % 4 * 15))


def examples(count: int) -> settings:
    return settings(max_examples=count, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def clock_between(first_hour: int, last_hour: int):
    return st.integers(first_hour * 4, last_hour * 4).map(lambda q: time(q // 4, q % 4 * 15))


def mostly(usual, *unusual):
    """Three times in four `usual`, else one of `unusual` (one_of alone would pick branches evenly)."""
    return st.sampled_from([usual, usual, usual, st.one_of(*unusual)]).flatmap(lambda strategy: strategy)


starts_of_day = mostly(clock_between(6, 10), quarter_hours)
ends_of_day = mostly(clock_between(14, 20), quarter_hours, st.just(time(0)))


def offsets(low_hours: int, high_hours: int):
    """Mostly whole half-hours, sometimes 5-minute steps, odd seconds, or one microsecond off a half-hour."""
    half_hours = st.integers(low_hours * 2, high_hours * 2).map(lambda n: timedelta(minutes=30 * n))
    return mostly(
        half_hours,
        st.integers(low_hours * 12, high_hours * 12).map(lambda n: timedelta(minutes=5 * n)),
        st.integers(low_hours * 3600, high_hours * 3600).map(lambda n: timedelta(seconds=n)),
        st.tuples(half_hours, st.sampled_from([-1, 1])).map(lambda pair: pair[0] + timedelta(microseconds=pair[1])),
    )


# Buffers (section 12): mostly none, else quarter hours up to the 4-hour maximum or odd seconds.
buffers = mostly(
    st.just(timedelta(0)),
    st.integers(1, 16).map(lambda n: timedelta(minutes=15 * n)),
    st.integers(1, 4 * 3600).map(lambda n: timedelta(seconds=n)),
)


def busy_items(base: datetime, now: datetime):
    return st.builds(
        lambda start, length, counts, expiry, before, after: Busy(
            base + start, base + start + length, counts, expiry, before, after
        ),
        offsets(-12, 84),
        mostly(st.integers(1, 8).map(lambda n: timedelta(minutes=30 * n)), offsets(-1, 7)),
        mostly_true,
        st.one_of(st.none(), st.none(), st.just(now), offsets(-30, 72).map(lambda offset: base + offset)),
        buffers,
        buffers,
    )


@st.composite
def workdays(draw):
    """Most weekdays worked, sometimes a second shift on a day."""
    days = [day for day in range(7) if draw(mostly_true)] + draw(st.lists(st.integers(0, 6), max_size=2))
    return tuple(
        Workday(
            day,
            draw(starts_of_day),
            draw(ends_of_day),
            draw(usual_types),
            draw(st.sampled_from(LOCATIONS)),
            draw(mostly_true),
        )
        for day in days
    )


@st.composite
def scenarios(draw):
    base_day = draw(st.sampled_from(BASE_DAYS))
    base = datetime.combine(base_day, time(0), UTC) + draw(offsets(-12, 12))
    start = base + draw(offsets(0, 24))
    now = start - draw(mostly(st.just(timedelta(days=1)), offsets(-12, 24)))
    org = Organization(
        time_zone=draw(st.sampled_from(ZONES)),
        opening=draw(starts_of_day),
        closing=draw(ends_of_day),
        closing_days=draw(
            st.frozensets(st.sampled_from([base_day + timedelta(days=n) for n in range(-1, 4)]), max_size=1)
        ),
        max_ahead=draw(mostly(st.just(timedelta(days=30)), offsets(0, 96))),
        min_notice=draw(mostly(st.just(timedelta(0)), offsets(0, 12))),
    )
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=4, unique=True))
    advisors = [
        Advisor(
            employee_id=employee_id,
            workdays=draw(workdays()),
            daily_cap=timedelta(minutes=30 * draw(st.one_of(st.integers(8, 20), st.integers(1, 20)))),
            busy=tuple(draw(st.lists(busy_items(base, now), max_size=8))),
            can_be_booked=not draw(rarely),
            only_explicitly_available=draw(rarely),
            local_only=draw(rarely),
        )
        for employee_id in ids
    ]
    room_ids = draw(
        st.lists(
            st.sampled_from(["r1", "r2", "r3"]), min_size=draw(st.sampled_from([0, 1, 1])), max_size=3, unique=True
        )
    )
    rooms = [Room(room_id, tuple(draw(st.lists(busy_items(base, now), max_size=6)))) for room_id in room_ids]
    listed = st.permutations(ids).flatmap(lambda order: st.integers(1, len(order)).map(lambda n: tuple(order[:n])))
    query = SlotQuery(
        now=now,
        start=start,
        end=start + draw(mostly(st.sampled_from([timedelta(days=2), timedelta(days=3)]), offsets(0, 72))),
        duration=timedelta(minutes=15 * draw(st.one_of(st.sampled_from([2, 4]), st.integers(1, 20)))),
        meeting_types=draw(st.one_of(st.just(frozenset()), meeting_types)),
        customer_initiated=draw(st.booleans()),
        require_all=draw(st.sampled_from([False, False, True])),
        explicit_ids=draw(mostly(listed, st.lists(st.sampled_from(IDS + ["ghost"]), max_size=4).map(tuple))),
        customer_location=draw(st.sampled_from(LOCATIONS + ["AARHUS"])),
        require_room=draw(st.booleans()),
        buffer_before=draw(buffers),
        buffer_after=draw(buffers),
    )
    return org, advisors, rooms, query


def _as_outlook(item: Busy, kind: BusyKind) -> Busy:
    """Outlook time as the inputs make it: no buffers, no expiry, never counted toward the cap."""
    return Busy(item.start, item.end, False, None, kind=kind)


@st.composite
def reports(draw):
    """A capacity report's search (contract section 25): a customer search of the listed advisors,
    without rooms, over busy time of every kind (BookMe's, Outlook's busy and workingElsewhere)."""
    org, advisors, _, query = draw(scenarios())
    kinds = st.sampled_from([None, None, BusyKind.OUTLOOK, BusyKind.OUTLOOK_ELSEWHERE])
    advisors = [
        dataclasses.replace(advisor, busy=tuple(
            item if (kind := draw(kinds)) is None else _as_outlook(item, kind) for item in advisor.busy))
        for advisor in advisors
    ]
    query = dataclasses.replace(query, customer_initiated=True, require_all=False, require_room=False)
    return org, advisors, [], query


# A generated bank for the reports (contract section 25): the documents a search reads, around
# the fakes' clock (Monday 4 March 2030, 07:00 UTC), in a zone whose clocks change in the window.
REPORT_NOW = datetime(2030, 3, 4, 7, tzinfo=UTC)
REPORT_ZONES = ["Europe/Copenhagen", "America/New_York", "UTC"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ENTRY_KINDS = ["meeting", "meeting", "reservation", "outlook", "spill"]
SHOW_AS = ["busy", "tentative", "oof", "workingElsewhere"]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


@st.composite
def _entry(draw, index: int) -> dict:
    """A calendar entry of any kind, as the documents of a day partition hold it."""
    kind = draw(st.sampled_from(ENTRY_KINDS))
    # Mostly in office hours (in UTC, 06:00 to 20:00) of the days around the window.
    start = datetime(2030, 3, 2, tzinfo=UTC) + timedelta(days=draw(st.integers(0, 12)),
                                                         minutes=15 * draw(mostly(st.integers(24, 80),
                                                                                  st.integers(0, 95))))
    end = start + timedelta(minutes=15 * draw(st.integers(1, 16)))
    entry = {"ref": f"{kind}-{index}", "kind": kind, "start": start, "end": end, "expiresAt": None, "token": None,
             "countsTowardCap": kind in ("meeting", "reservation"), "bufferBefore": 0, "bufferAfter": 0}
    if kind == "reservation":
        entry["expiresAt"] = REPORT_NOW + timedelta(minutes=draw(st.sampled_from([-5, 5])))
    if kind == "outlook":
        entry["showAs"] = draw(st.sampled_from(SHOW_AS))
    else:
        entry["bufferBefore"], entry["bufferAfter"] = (draw(st.sampled_from([0, 0, 900, 1800])) for _ in range(2))
    return entry


@st.composite
def report_banks(draw):
    """Settings, advisors (directory entry, weekly schedule or none, calendar entries), a topic and
    who is qualified for it, and the report's window of local days."""
    settings = {
        "timeZoneId": draw(st.sampled_from(REPORT_ZONES)),
        "openingTime": _clock(draw(st.sampled_from([0, 7 * 60, 8 * 60, 9 * 60 + 30]))),
        "closingTime": _clock(draw(st.sampled_from([15 * 60, 17 * 60, 19 * 60 + 30, 23 * 60 + 45]))),
        "minimumBookingNotice": draw(st.sampled_from(["00:00:00", "02:00:00"])),
        "maxTimeFromBookingToMeeting": draw(st.sampled_from(["30.00:00:00", "3.00:00:00"])),
        "maxMeetingTimePerDay": draw(st.sampled_from(["08:00:00", "02:00:00"])),
        "bufferBefore": draw(st.sampled_from(["00:00:00", "00:15:00"])),
        "closingDays": draw(st.lists(st.sampled_from(["2030-03-05T00:00:00Z", "2030-03-07T00:00:00Z"]),
                                     max_size=1)),
        "outlookSync": draw(st.sampled_from(["Off", "FreeBusy"])),
    }
    advisors = []
    for index in range(draw(st.integers(1, 4))):
        workdays = [{"dayOfWeek": WEEKDAYS[day], "from": _clock(start), "to": _clock(start + length),
                     "isAvailable": draw(mostly_true),
                     "availableMeetingTypes": [{"type": t.value} for t in draw(st.frozensets(
                         st.sampled_from(list(MeetingType)), min_size=1))]}
                    for day in range(7) if draw(mostly_true)
                    for start in [15 * draw(st.integers(20, 44))] for length in [15 * draw(st.integers(4, 40))]]
        advisors.append({
            "id": IDS[index], "active": not draw(rarely), "qualified": not draw(rarely),
            "schedule": None if draw(rarely) else {"workdays": workdays, "canBeBooked": not draw(rarely)},
            "entries": draw(st.lists(_entry(index), min_size=1, max_size=12)),
        })
    first = date(2030, 3, 3) + timedelta(days=draw(st.integers(0, 3)))
    return {"settings": settings, "advisors": advisors, "duration": draw(st.sampled_from([30, 60, 90])),
            "first": first, "last": first + timedelta(days=draw(st.integers(0, 8)))}
