"""Confirming: the held time booked as a PortalCustomer meeting with the portal's fields, the
signed-in customer's CPR number from the session, and a manage link."""

import logging
from dataclasses import dataclass

from shared.context import Context
from shared.errors import HoldLost, InvalidRequest, ServiceUnavailable, SignInRequired
from shared.models.meetings import BookedBy, CustomField, Meeting, MeetingCreate
from shared.models.page_session import Customer
from shared.models.portals import CustomFieldValue, FieldType
from shared.rules.portal_fields import validate_custom_fields
from shared.services.booking_page import manage
from shared.services.booking_page.offer import PortalPage
from shared.services.booking_page.sessions import Session
from shared.services.meetings import create_meeting

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Booked:
    meeting: Meeting
    token: str | None  # None only when the link could not be stored; the invitation e-mail carries one


def form_values(page: PortalPage, sent: dict[str, str]) -> dict[str, str]:
    """The value of each of the portal's fields as the form sent it (an unticked box is "false")."""
    values = {}
    for field in page.portal.fields:
        value = (sent.get(field.name) or "").strip()
        values[field.name] = ("true" if value else "false") if field.type is FieldType.CHECKBOX else value
    return values


def customer_id(customer: Customer) -> str:
    """The bank's customer id for a signed-in customer: the provider's subject (never the CPR number)."""
    return f"{customer.authentication_type.lower()}:{customer.subject}"[:200]


async def confirm(ctx: Context, session: Session, page: PortalPage, sent: dict[str, str]) -> Booked:
    """Book the held time. InvalidRequest with errors by field name when the fields do not fit
    the portal's form; SignInRequired before sign-in; HoldLost when the hold ran out or went. The
    session's state is changed, not saved."""
    state = session.state
    values = form_values(page, sent)
    state.values = values
    hold, customer = state.hold, state.customer
    if hold is None or hold.expires_at <= ctx.clock():
        raise HoldLost("The time is no longer held for you.")
    if customer is None or customer.portal_id != page.portal.id:
        raise SignInRequired("Sign in before you confirm.")
    errors = validate_custom_fields(page.portal.fields, [CustomFieldValue(key=k, value=v) for k, v in values.items()])
    if errors:
        raise InvalidRequest("Some of the fields need another look.", errors)
    body = MeetingCreate(
        booked_by=BookedBy.PORTAL_CUSTOMER, salesforce_id=f"bookme-page:{page.portal.id}",
        employee_id=hold.employee_id, customer_id=customer_id(customer), type=hold.meeting_type,
        time_slot_id=hold.reservation_id, room_id=hold.room_id, portal_id=page.portal.id, cpr=customer.cpr,
        topic_id=page.portal.topic_id, customer_type_id=page.portal.customer_type_id,
        custom_fields=[CustomField(key=k, value=v) for k, v in values.items()])
    try:
        meeting = (await create_meeting(ctx, body, actor=f"customer:{body.customer_id}")).item
    except InvalidRequest as error:
        if error.errors and "timeSlotId" in error.errors:
            raise HoldLost("The time is no longer held for you.") from None
        raise
    state.hold, state.customer, state.values = None, None, {}
    try:
        token = await manage.mint(ctx, meeting)
    except ServiceUnavailable:
        log.warning("Meeting %s booked, but its manage link could not be stored", meeting.id)
        token = None
    return Booked(meeting, token)
