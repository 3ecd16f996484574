"""/bookme/config/service-groups (V3): advisors who serve together, with trigger and service level."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.groups import EmployeeServiceGroup, Ids, ServiceGroup, ServiceGroupAdvisors, ServiceGroupWrite
from shared.models.labels import LabelsQuery
from shared.rules.patching import JsonPatch
from shared.services import service_groups

group = RouteGroup("service_groups", "bookme/config/service-groups", versions=("v3",))


@group.get(query=LabelsQuery, response=list[ServiceGroup])
async def list_service_groups(call: Call):
    """List service groups, optionally only those carrying all given labels."""
    return await service_groups.list_service_groups(await get_context(), call.query.labels)


@group.get("employee/{employeeId}", response=list[EmployeeServiceGroup])
async def get_employee_service_groups(call: Call):
    """The service groups an employee belongs to, with the date each membership began."""
    return await service_groups.employee_service_groups(await get_context(), call.params["employeeId"])


@group.patch("employee/{employeeId}/add", role=Role.CONFIG, body=Ids, response=list[EmployeeServiceGroup])
async def add_employee_to_service_groups(call: Call):
    """Add an employee to service groups; returns the employee's groups."""
    employee_id = call.params["employeeId"]
    return await service_groups.change_service_memberships(await get_context(), employee_id, call.body, add=True)


@group.patch("employee/{employeeId}/remove", role=Role.CONFIG, body=Ids, response=list[EmployeeServiceGroup])
async def remove_employee_from_service_groups(call: Call):
    """Remove an employee from service groups; returns the employee's groups."""
    employee_id = call.params["employeeId"]
    return await service_groups.change_service_memberships(await get_context(), employee_id, call.body, add=False)


@group.get("{id}", response=ServiceGroup)
async def get_service_group(call: Call):
    """Get one service group."""
    return await service_groups.get_service_group(await get_context(), call.params["id"])


@group.get("{id}/advisors", response=ServiceGroupAdvisors)
async def get_service_group_advisors(call: Call):
    """The service group's advisors by source: skill-based, assigned, through competence groups."""
    return await service_groups.service_group_advisors(await get_context(), call.params["id"])


@group.post(role=Role.CONFIG, body=ServiceGroupWrite, response=ServiceGroup, status=201)
async def create_service_group(call: Call):
    """Create a service group."""
    return Reply(await service_groups.create_service_group(await get_context(), call.body), 201)


@group.patch("{id}", role=Role.CONFIG, body=JsonPatch, response=ServiceGroup)
async def patch_service_group(call: Call):
    """Update a service group with JSON Patch."""
    return await service_groups.patch_service_group(await get_context(), call.params["id"], call.body, call.if_match)


@group.patch("{id}/service-trigger", role=Role.CONFIG, body=JsonPatch, response=ServiceGroup)
async def patch_service_trigger(call: Call):
    """Update the service group's serviceTrigger with JSON Patch (paths relative to it)."""
    return await service_groups.patch_service_trigger(await get_context(), call.params["id"], call.body, call.if_match)


@group.patch("{id}/service-level", role=Role.CONFIG, body=JsonPatch, response=ServiceGroup)
async def patch_service_level(call: Call):
    """Update the service group's serviceLevel with JSON Patch (paths relative to it)."""
    return await service_groups.patch_service_level(await get_context(), call.params["id"], call.body, call.if_match)


@group.delete("{id}", role=Role.CONFIG, status=204)
async def delete_service_group(call: Call):
    """Delete a service group."""
    await service_groups.delete_service_group(await get_context(), call.params["id"], call.if_match)
