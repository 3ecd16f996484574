"""/customers (V3): erasing a customer's personal data from every meeting (GDPR)."""

from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.history import PersonalDataErasure
from shared.services import personal_data

group = RouteGroup("customers", "customers", versions=("v3",))


@group.delete("{customerId}/personal-data", role=Role.ADMIN, response=PersonalDataErasure, status=200,
              text_params=("customerId",))
async def erase_personal_data(call: Call):
    """Erase the personal data of every meeting of the customer, past and future; the meetings stay booked.
    customerId is the bank's own customer id (free text)."""
    return await personal_data.erase_customer(await get_context(), call.params["customerId"], call.principal.subject)
