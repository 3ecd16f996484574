"""/bookme/config/employee-schedules (V3): each advisor's working week."""

from pydantic import Field

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.common import ApiModel, Uuid
from shared.models.schedules import ActualEmployeeSchedule, EmployeeSchedule, EmployeeScheduleWrite
from shared.rules.patching import JsonPatch
from shared.services import crud, schedules

group = RouteGroup("employee_schedules", "bookme/config/employee-schedules", versions=("v3",))


class ScheduleQuery(ApiModel):
    employee_id: list[Uuid] = Field(default=[], description="Only the schedules of these employees.")


@group.get(query=ScheduleQuery, response=list[EmployeeSchedule])
async def list_employee_schedules(call: Call):
    """List employee schedules."""
    return await schedules.list_schedules(await get_context(), call.query.employee_id or None)


@group.get("{id}", response=EmployeeSchedule)
async def get_employee_schedule(call: Call):
    """Get one employee schedule."""
    return await crud.get(schedules.schedules(await get_context()), call.params["id"], schedules.WHAT)


@group.get("{id}/actual", response=ActualEmployeeSchedule)
async def get_actual_employee_schedule(call: Call):
    """Get an employee schedule with each workday's location resolved to a Location object."""
    return await schedules.actual_schedule(await get_context(), call.params["id"])


@group.post(role=Role.ADMIN, body=EmployeeScheduleWrite, response=EmployeeSchedule, status=201)
async def create_employee_schedule(call: Call):
    """Create an employee's schedule (one per employee). Elevated: BookMe.Admin."""
    return Reply(await schedules.create_schedule(await get_context(), call.body), 201)


@group.patch("{id}", role=Role.CONFIG, body=JsonPatch, response=EmployeeSchedule)
async def patch_employee_schedule(call: Call):
    """Update an employee schedule with JSON Patch (RFC 6902)."""
    return await schedules.patch_schedule(await get_context(), call.params["id"], call.body, call.if_match)


@group.delete("{id}", role=Role.ADMIN, status=204)
async def delete_employee_schedule(call: Call):
    """Delete an employee schedule. Elevated: BookMe.Admin."""
    await crud.delete(schedules.schedules(await get_context()), call.params["id"], schedules.WHAT, call.if_match)
