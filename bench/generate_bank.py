"""A deterministic generated bank for the availability benchmark: 1,000 advisors, 30 days of meetings."""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.rules.availability import Advisor, Busy, MeetingType, Organization, Room, Workday

NOW = datetime(2025, 10, 1, 6, 0, tzinfo=UTC)  # a Wednesday; the 30 days include the October DST change
DAYS_AHEAD = 30
ZONE = "Europe/Copenhagen"
CITIES = ["Copenhagen", "Aarhus", "Odense", "Aalborg", "Esbjerg"]
STARTS = [time(7, 30), time(8), time(8), time(8, 30), time(9)]
ENDS = [time(15), time(16), time(16, 30), time(17), time(17), time(18)]
MEETING_MINUTES = [30, 45, 60, 60, 60, 90, 120]


@dataclass(frozen=True)
class Bank:
    organization: Organization
    advisors: list[Advisor]
    rooms: list[Room]  # the Copenhagen branch's rooms, in preference order
    topic_advisor_ids: list[str]  # the 50 advisors who serve one topic
    now: datetime


def generate_bank(advisor_count: int = 1000, meetings_per_advisor: int = 20, seed: int = 2025) -> Bank:
    """The same bank for the same arguments, so timings and slot counts compare across runs."""
    rng = random.Random(seed)
    zone = ZoneInfo(ZONE)
    organization = Organization(
        time_zone=ZONE,
        opening=time(8),
        closing=time(17),
        closing_days=frozenset({date(2025, 10, 17)}),
        max_ahead=timedelta(days=DAYS_AHEAD),
        min_notice=timedelta(hours=2),
    )
    advisors = [_advisor(rng, zone, meetings_per_advisor) for _ in range(advisor_count)]
    rooms = [Room(f"room-{number:02d}", tuple(_meetings(rng, zone, 40))) for number in range(1, 9)]
    serving = sorted(rng.sample(range(advisor_count), min(50, advisor_count)))
    return Bank(organization, advisors, rooms, [advisors[index].employee_id for index in serving], NOW)


def _advisor(rng: random.Random, zone: ZoneInfo, meetings: int) -> Advisor:
    home = rng.choice(CITIES)
    types = {MeetingType.PHYSICAL} if rng.random() < 0.8 else set()
    types |= {
        kind
        for kind, share in ((MeetingType.ONLINE, 0.7), (MeetingType.TELEPHONE, 0.4), (MeetingType.OFFSITE, 0.1))
        if rng.random() < share
    }
    types = types or {MeetingType.ONLINE}
    start, end = rng.choice(STARTS), rng.choice(ENDS)
    day_off = rng.randrange(5) if rng.random() < 0.1 else None
    workdays = [
        Workday(
            day,
            start,
            end,
            frozenset(types),
            rng.choice(CITIES) if rng.random() < 0.1 else home,
            is_available=day != day_off,
        )
        for day in range(5)
    ]
    if rng.random() < 0.2:
        workdays.append(Workday(5, time(9), time(13), frozenset(types), home))
    busy = _meetings(rng, zone, meetings)
    # Two reservations made at booking time: one still active, one already expired.
    for expires_in in (timedelta(minutes=3), timedelta(minutes=-1)):
        held = _meetings(rng, zone, 1)[0]
        busy.append(Busy(held.start, held.end, expires_at=NOW + expires_in))
    return Advisor(
        employee_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        workdays=tuple(workdays),
        daily_cap=timedelta(minutes=30 * rng.randint(4, 16)),  # 2h..8h
        busy=tuple(busy),
        can_be_booked=rng.random() > 0.02,
        only_explicitly_available=rng.random() < 0.05,
    )


def _meetings(rng: random.Random, zone: ZoneInfo, count: int) -> list[Busy]:
    """Meetings on weekdays between 08:00 and 16:00 local time; one in ten does not count toward the cap."""
    first = NOW.astimezone(zone).date()
    found = []
    while len(found) < count:
        day = first + timedelta(days=rng.randrange(DAYS_AHEAD))
        if day.weekday() >= 5:
            continue
        minute = rng.randrange(8 * 4, 16 * 4) * 15
        start = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone).astimezone(UTC)
        length = timedelta(minutes=rng.choice(MEETING_MINUTES))
        # About one meeting in four (those on the hour) keeps 15 minutes of buffer either side.
        buffer = timedelta(minutes=15) if minute % 60 == 0 else timedelta(0)
        found.append(Busy(start, start + length, counts_toward_cap=rng.random() > 0.1,
                          buffer_before=buffer, buffer_after=buffer))
    return found
