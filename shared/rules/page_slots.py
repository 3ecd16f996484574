"""The booking page's view of a search (contract section 24): the customer picks a day and a
time, not an advisor, so the slots of every advisor are merged into times per day and meeting
type, each with the advisors (and rooms) that offer it. Pure."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.models.common import MeetingType, format_utc, parse_iso


@dataclass(frozen=True)
class Offer:
    """One advisor (and room, when one is needed) offering a time."""

    employee_id: str
    room_id: str | None = None


@dataclass
class Time:
    start: datetime
    end: datetime
    meeting_type: MeetingType
    offers: list[Offer] = field(default_factory=list)

    @property
    def key(self) -> str:
        return slot_key(self.start, self.meeting_type)


@dataclass
class Day:
    date: date
    times: list[Time] = field(default_factory=list)

    def by_type(self) -> list[tuple[MeetingType, list[Time]]]:
        """The day's times grouped by meeting type, in the order of MeetingType."""
        return [(kind, found) for kind in MeetingType if (found := [t for t in self.times if t.meeting_type is kind])]


def days(slots: Iterable, zone: str) -> list[Day]:
    """Engine slots (start, end, meeting_type, employee_id, room_id) as organization-local days,
    each time once per meeting type with its offers in the engine's order."""
    tz = ZoneInfo(zone)
    merged: dict[tuple[datetime, MeetingType], Time] = {}
    for slot in slots:
        time = merged.setdefault((slot.start, slot.meeting_type), Time(slot.start, slot.end, slot.meeting_type))
        time.offers.append(Offer(slot.employee_id, slot.room_id))
    by_day: dict[date, Day] = {}
    for time in sorted(merged.values(), key=lambda t: (t.start, list(MeetingType).index(t.meeting_type))):
        local = time.start.astimezone(tz).date()
        by_day.setdefault(local, Day(local)).times.append(time)
    return list(by_day.values())


def chosen_day(found: list[Day], wanted: date | None) -> Day | None:
    """The day asked for when it has times, else the first day with a time."""
    return next((d for d in found if d.date == wanted), found[0] if found else None)


def slot_key(start: datetime, meeting_type: MeetingType) -> str:
    """What the page's form sends for a time: its start and meeting type, never an advisor."""
    return f"{format_utc(start)}|{meeting_type.value}"


def parse_slot_key(key: str) -> tuple[datetime, MeetingType] | None:
    start, _, kind = key.partition("|")
    try:
        when = parse_iso(start)
        meeting_type = MeetingType(kind)
    except ValueError:
        return None
    if when.tzinfo is None or len(key) > 60:
        return None
    return when, meeting_type


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


def preferred_first(offers: list[Offer], employee_id: str | None) -> list[Offer]:
    """Offers with the given advisor first (a move keeps the customer's advisor when it can)."""
    return sorted(offers, key=lambda o: o.employee_id != employee_id)
