"""Who the customer is on a portal booking's invitation (contract section 19). Pure.

A portal with `icalEnabled` invites the addresses the customer typed into its Email fields;
without it the customer gets no calendar attachment.
"""

from collections.abc import Iterable

from shared.models.meetings import BookedBy, CustomField
from shared.models.portals import FieldType, Portal
from shared.rules.ical import Person
from shared.rules.portal_fields import is_email


def customer_attendees(booked_by: BookedBy, portal: Portal | None,
                       custom_fields: Iterable[CustomField]) -> tuple[Person, ...]:
    """The addresses given in the portal's Email fields, once each, when the portal sends
    invitations; nothing for other bookings. Keys match field names ignoring case."""
    if not booked_by.is_portal or portal is None or not portal.ical_enabled:
        return ()
    return email_field_addresses(portal, custom_fields)


def email_field_addresses(portal: Portal, custom_fields: Iterable[CustomField]) -> tuple[Person, ...]:
    """The valid addresses given in the portal's Email fields, once each (the booking page's
    reminders go to them whether or not the portal sends invitations)."""
    email_fields = {f.name.strip().lower() for f in portal.fields if f.type is FieldType.EMAIL}
    found: dict[str, Person] = {}
    for field in custom_fields:
        address = (field.value or "").strip()
        if field.key.strip().lower() in email_fields and is_email(address):
            found.setdefault(address.lower(), Person(address, None, personal=True))
    return tuple(found.values())
