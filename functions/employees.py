"""/employees: read by anyone with a token; synchronised from the directory by admins."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.directory import Employee, EmployeeUpsert
from shared.services import crud, directory

group = RouteGroup("employees", "employees")


@group.get(response=list[Employee])
async def list_employees(call: Call):
    """List all employees."""
    return await directory.list_employees(await get_context())


@group.get("{id}", response=Employee)
async def get_employee(call: Call):
    """Get one employee."""
    return await crud.get(directory.employees(await get_context()), call.params["id"], "employee")


@group.put("{id}", role=Role.ADMIN, body=EmployeeUpsert, response=Employee,
           statuses={201: "Created: no employee had this id.", 200: "Replaced the employee with this id."})
async def put_employee(call: Call):
    """Create or replace an employee from the bank's directory."""
    stored, created = await directory.upsert_employee(await get_context(), call.params["id"], call.body, call.if_match)
    return Reply(stored, 201 if created else 200)


@group.delete("{id}", role=Role.ADMIN, status=204)
async def delete_employee(call: Call):
    """Remove an employee."""
    await crud.delete(directory.employees(await get_context()), call.params["id"], "employee", call.if_match)
