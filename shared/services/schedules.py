"""Employee schedules: at most one per employee, validated, and read with resolved locations."""

from typing import Any

from shared import kinds
from shared.context import Context
from shared.errors import Conflict, InvalidRequest
from shared.models.common import new_id
from shared.models.schedules import ActualEmployeeSchedule, ActualWorkday, EmployeeSchedule, EmployeeScheduleWrite
from shared.ports import Documents, Selection, Versioned
from shared.rules.locations import meeting_location
from shared.rules.schedules import actual_location, in_week_order, schedule_errors
from shared.services import crud, directory

WHAT = "employee schedule"
READ_ONLY = ("/id", "/employeeId")


def schedules(ctx: Context) -> Documents[EmployeeSchedule]:
    # The claim on employeeId makes a second schedule for one employee fail, even when two creates race.
    return ctx.store(kinds.EMPLOYEE_SCHEDULE)


def _checked(schedule: EmployeeSchedule) -> EmployeeSchedule:
    errors = schedule_errors(schedule)
    if errors:
        raise InvalidRequest("The employee schedule is not valid.", errors)
    return schedule.model_copy(update={"workdays": in_week_order(schedule.workdays)})


async def list_schedules(ctx: Context, employee_ids: list[str] | None = None) -> list[Versioned[EmployeeSchedule]]:
    """Every schedule, or those of `employee_ids`."""
    store = schedules(ctx)
    found = await store.find_by("employeeId", employee_ids) if employee_ids else await store.list()
    return sorted(found, key=lambda v: v.item.employee_id)


async def schedules_for(ctx: Context, employee_ids: list[str] | None = None) -> list[EmployeeSchedule]:
    """The schedules of `employee_ids` (every schedule when None); employees without one are left out."""
    if employee_ids is not None and not employee_ids:
        return []
    return [v.item for v in await list_schedules(ctx, employee_ids)]


async def schedule_of(ctx: Context, employee_id: str) -> EmployeeSchedule | None:
    """The employee's schedule, or None."""
    found = await schedules_for(ctx, [employee_id])
    return found[0] if found else None


async def create_schedule(ctx: Context, data: EmployeeScheduleWrite) -> Versioned[EmployeeSchedule]:
    """A new schedule; 400 for an unknown employee, 409 when the employee already has one."""
    schedule = _checked(EmployeeSchedule(id=new_id(), **data.model_dump()))
    await directory.require_existing(directory.employees(ctx), [data.employee_id], "employeeId", "employee")
    try:
        return await schedules(ctx).create(schedule)
    except Conflict:
        raise Conflict(f"Employee {data.employee_id} already has a schedule.") from None


async def patch_schedule(ctx: Context, id: str, operations: Any, if_match: str | None) -> Versioned[EmployeeSchedule]:
    """RFC 6902 PATCH; the result is validated like a new schedule."""
    return await crud.patch(schedules(ctx), id, WHAT, operations, EmployeeSchedule, READ_ONLY, if_match,
                            validate=lambda _, patched: _checked(patched))


async def actual_schedule(ctx: Context, id: str) -> Versioned[ActualEmployeeSchedule]:
    """The schedule with each workday's location resolved (section 18 of the contract)."""
    stored = await crud.get(schedules(ctx), id, WHAT)
    found = await ctx.config.read([Selection(kinds.LOCATION),
                                   Selection(kinds.EMPLOYEE, "id", (stored.item.employee_id,))])
    known = {v.item.key: v.item for v in found.get(kinds.LOCATION.name, [])}
    employees = found.get(kinds.EMPLOYEE.name, [])
    directory_location = employees[0].item.location if employees else None
    workdays = [
        ActualWorkday(**w.model_dump(exclude={"location"}),
                      location=actual_location(meeting_location(w.location, directory_location), known))
        for w in stored.item.workdays
    ]
    actual = ActualEmployeeSchedule(**stored.item.model_dump(exclude={"workdays"}), workdays=workdays)
    return Versioned(actual, stored.etag)
