"""/bookme/config/competence-groups (V3): who can serve which topics and customer types."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.groups import CompetenceGroup, CompetenceGroupWrite, EmployeeCompetenceGroup, Ids
from shared.models.labels import LabelsQuery
from shared.rules.patching import JsonPatch
from shared.services import groups

group = RouteGroup("competence_groups", "bookme/config/competence-groups", versions=("v3",))


@group.get(query=LabelsQuery, response=list[CompetenceGroup])
async def list_competence_groups(call: Call):
    """List competence groups, optionally only those carrying all given labels."""
    return await groups.list_competence_groups(await get_context(), call.query.labels)


@group.get("employee/{employeeId}", response=list[EmployeeCompetenceGroup])
async def get_employee_competence_groups(call: Call):
    """The competence groups an employee belongs to, with the date each membership began."""
    return await groups.employee_competence_groups(await get_context(), call.params["employeeId"])


@group.patch("employee/{employeeId}/add", role=Role.CONFIG, body=Ids, response=list[EmployeeCompetenceGroup])
async def add_employee_to_competence_groups(call: Call):
    """Add an employee to competence groups; returns the employee's groups."""
    ctx = await get_context()
    return await groups.change_competence_memberships(ctx, call.params["employeeId"], call.body, add=True)


@group.patch("employee/{employeeId}/remove", role=Role.CONFIG, body=Ids,
             response=list[EmployeeCompetenceGroup])
async def remove_employee_from_competence_groups(call: Call):
    """Remove an employee from competence groups; returns the employee's groups."""
    ctx = await get_context()
    return await groups.change_competence_memberships(ctx, call.params["employeeId"], call.body, add=False)


@group.get("{id}", response=CompetenceGroup)
async def get_competence_group(call: Call):
    """Get one competence group."""
    return await groups.get_competence_group(await get_context(), call.params["id"])


@group.post(role=Role.CONFIG, body=CompetenceGroupWrite, response=CompetenceGroup, status=201)
async def create_competence_group(call: Call):
    """Create a competence group."""
    return Reply(await groups.create_competence_group(await get_context(), call.body), 201)


@group.patch("{id}", role=Role.CONFIG, body=JsonPatch, response=CompetenceGroup)
async def patch_competence_group(call: Call):
    """Update a competence group with JSON Patch (name, employeeIds, customerTypeIds, topicIds,
    childGroupIds, labels)."""
    return await groups.patch_competence_group(await get_context(), call.params["id"], call.body, call.if_match)


@group.delete("{id}", role=Role.CONFIG, status=204)
async def delete_competence_group(call: Call):
    """Delete a competence group that no other group or service group refers to."""
    await groups.delete_competence_group(await get_context(), call.params["id"], call.if_match)
