"""/time-slots and /time-slots/available: when advisors and rooms are free."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.bootstrap import get_context
from shared.models.time_slots import AvailableSlot, AvailableSlotsQuery, SlotExplanation, TimeSlot, TimeSlotsQuery
from shared.services import availability

group = RouteGroup("time_slots", "time-slots")


@group.get("available", query=AvailableSlotsQuery, response=list[AvailableSlot])
async def list_available_time_slots(call: Call):
    """Available time slots for booking, every rule of the engine applied."""
    return Reply(await availability.available_slots(await get_context(), call.query), json_ready=True)


EXPLAIN = """Same query parameters and validation as /time-slots/available (V3 only). For every candidate employee
(those named in explicitEmployeeIds plus the members of the pools asked for): `excluded`, when the employee was left
out entirely, is one of NotBookable (canBeBooked false), OnlyExplicitlyAvailable, NoSchedule, Inactive (not an active
employee of the directory, or unknown), NotQualifiedForTopic, NotQualifiedForCustomerType, MeetingLongerThanDailyCap.
Otherwise one entry per organization-local date of the search window with `slotCount` (that employee's entries that
day in /time-slots/available, every meeting type; in a requireEmployeeParticipation search each joint slot counts for
every listed employee) and `reasons`, each rule that removed a :00/:30 start inside one of the employee's workdays
that day, in this order: ClosingDay, NotAWorkday, MeetingTypeNotOffered, NotLocal, InThePast, BeforeMinimumNotice,
BeyondBookingHorizon, OutsideOpeningHours, Booked (meetings, reservations or their buffers), OutlookBusy (the
employee's Outlook calendar, organization settings `outlookSync`), DailyCapReached, NoRoomAvailable,
OutsideSearchWindow. Of the time bounds (now, notice, opening hours, horizon, search window) each is
named only where it cuts deeper than those before it in that order. The answer holds codes and counts only: no
meeting titles, customers or other personal data."""


@group.get("available/explain", query=AvailableSlotsQuery, response=SlotExplanation, versions=("v3",),
           description=EXPLAIN)
async def explain_available_time_slots(call: Call):
    """Why each candidate employee has the slots /time-slots/available offers, day by day."""
    return Reply(await availability.explain_slots(await get_context(), call.query), json_ready=True)


@group.get(query=TimeSlotsQuery, response=list[TimeSlot])
async def list_time_slots(call: Call):
    """An employee's or a room's time slots in a range: Available, Reserved or Booked."""
    return await availability.time_slots(await get_context(), call.query)
