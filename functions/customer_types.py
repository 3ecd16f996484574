"""/config/customer-types: the kinds of customer a bank serves."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.directory import CustomerType, CustomerTypeWrite
from shared.services import crud, directory

group = RouteGroup("customer_types", "config/customer-types")


@group.get(response=list[CustomerType])
async def list_customer_types(call: Call):
    """List customer types."""
    return await directory.list_customer_types(await get_context())


@group.get("{id}", response=CustomerType)
async def get_customer_type(call: Call):
    """Get one customer type."""
    return await crud.get(directory.customer_types(await get_context()), call.params["id"], "customer type")


@group.post(role=Role.CONFIG, body=CustomerTypeWrite, response=CustomerType, status=201)
async def create_customer_type(call: Call):
    """Create a customer type."""
    return Reply(await directory.create_customer_type(await get_context(), call.body), 201)


@group.put("{id}", role=Role.CONFIG, body=CustomerTypeWrite, response=CustomerType)
async def replace_customer_type(call: Call):
    """Replace a customer type."""
    return await directory.replace_customer_type(await get_context(), call.params["id"], call.body, call.if_match)


@group.delete("{id}", role=Role.CONFIG, status=204)
async def delete_customer_type(call: Call):
    """Delete a customer type."""
    await crud.delete(directory.customer_types(await get_context()), call.params["id"], "customer type", call.if_match)
