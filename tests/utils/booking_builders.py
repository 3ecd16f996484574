"""Builders for service tests over the fakes: a bank with employees and rooms, and requests."""

import uuid
from datetime import datetime, timedelta

from shared import kinds
from shared.context import Context
from shared.models.common import format_utc
from shared.models.directory import Employee, Room
from shared.models.meetings import MeetingCreate
from shared.models.reservations import ReserveRequest


async def add_employee(ctx: Context, name: str = "Mette Nielsen", **fields) -> str:
    id = str(uuid.uuid4())
    email = fields.pop("email", f"{name.split()[0].lower()}@bank.example")
    await ctx.store(kinds.EMPLOYEE).create(Employee(id=id, name=name, email=email, location="CPH-HQ", **fields))
    return id


async def add_room(ctx: Context, name: str = "Nyhavn", capacity: int = 4, location: str = "CPH-HQ") -> str:
    id = str(uuid.uuid4())
    await ctx.store(kinds.ROOM).create(Room(id=id, name=name, capacity=capacity, location=location))
    return id


async def add_portal(ctx: Context, ical_enabled: bool = True) -> str:
    """A portal whose customers are invited at the address of its Email field."""
    from shared.models.portals import Portal

    portal = Portal.model_validate({"id": str(uuid.uuid4()), "name": "Pension", "icalEnabled": ical_enabled,
                                    "fields": [{"name": "Email", "type": "Email"}, {"name": "Phone", "type": "Phone"}]})
    await ctx.store(kinds.PORTAL).create(portal)
    return portal.id


def meeting_request(employee_id: str, start: datetime, minutes: int = 60, **fields) -> MeetingCreate:
    return MeetingCreate.model_validate({
        "bookedBy": "Employee", "salesforceId": "sf-1", "employeeId": employee_id, "customerId": "c-1",
        "type": "Online", "startDate": format_utc(start), "endDate": format_utc(start + timedelta(minutes=minutes)),
        **fields})


def reserve_request(employee_id: str, start: datetime, token: str | None = None, minutes: int = 60,
                    **fields) -> ReserveRequest:
    slot = {"startDate": format_utc(start), "endDate": format_utc(start + timedelta(minutes=minutes)),
            "status": "Reserved", "employeeId": employee_id}
    return ReserveRequest.model_validate({"timeSlot": slot, "token": token or str(uuid.uuid4()),
                                          "isCustomerInitiated": False, **fields})


async def add_schedule(ctx: Context, employee_id: str, start: str = "08:00:00", end: str = "16:00:00",
                       types: tuple[str, ...] = ("Physical", "Online"), **fields) -> None:
    """A Monday-to-Friday working week."""
    from shared.models.schedules import EmployeeSchedule

    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    await ctx.store(kinds.EMPLOYEE_SCHEDULE).create(EmployeeSchedule.model_validate({
        "id": str(uuid.uuid4()), "employeeId": employee_id, **fields,
        "workdays": [{"dayOfWeek": d, "from": start, "to": end, "location": "CPH-HQ",
                      "availableMeetingTypes": [{"type": t} for t in types]} for d in days]}))


def tomorrow_at(ctx: Context, hour: int) -> datetime:
    """`hour` o'clock UTC on the day after the Context's clock."""
    return ctx.clock().replace(hour=hour, minute=0, second=0, microsecond=0) + timedelta(days=1)
