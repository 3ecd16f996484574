"""Every kind of configuration document, once: its partition name, its model, and the keys
that must stay unique within the kind. Stores are built from these, so a kind's unique keys
never depend on which caller asked for its store first."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from shared.models.directory import CustomerType, Employee, MeetingTopic, Room
from shared.models.groups import CompetenceGroupDoc, ServiceGroupDoc
from shared.models.labels import Label
from shared.models.locations import Location
from shared.models.organization import OrganizationSetting
from shared.models.outlook import MailboxSync, MeetingEvents
from shared.models.portals import Portal
from shared.models.schedules import EmployeeSchedule
from shared.models.webhooks import StoredWebhook
from shared.rules.labels import label_key


def _no_keys(item: Any) -> Iterable[str]:
    return ()


@dataclass(frozen=True)
class Kind:
    """One kind of configuration document: `name` is its partition in the config container."""

    name: str
    model: type
    what: str
    unique_keys: Callable[[Any], Iterable[str]] = _no_keys


EMPLOYEE = Kind("employee", Employee, "employee")
ROOM = Kind("room", Room, "room")
TOPIC = Kind("topic", MeetingTopic, "meeting topic")
CUSTOMER_TYPE = Kind("customerType", CustomerType, "customer type", lambda c: [c.name.strip().lower()])
LABEL = Kind("label", Label, "label", lambda label: [label_key(label.label_name)])
LOCATION = Kind("location", Location, "location", lambda location: [location.key])
PORTAL = Kind("portal", Portal, "portal")
# The claim on employeeId makes a second schedule for one employee fail, even when two creates race.
EMPLOYEE_SCHEDULE = Kind("employeeSchedule", EmployeeSchedule, "employee schedule", lambda s: [s.employee_id])
COMPETENCE_GROUP = Kind("competenceGroup", CompetenceGroupDoc, "competence group")
SERVICE_GROUP = Kind("serviceGroup", ServiceGroupDoc, "service group")
ORGANIZATION_SETTING = Kind("organizationSetting", OrganizationSetting, "organization settings")
# Webhook subscriptions, stored with their signing secrets (see docs/api-decisions.md, "Webhooks").
WEBHOOK = Kind("webhook", StoredWebhook, "webhook")
# The Outlook sync's own state (contract section 23; docs/data-model.md, "Outlook calendars").
OUTLOOK_MAILBOX = Kind("outlookMailbox", MailboxSync, "Outlook mailbox")
OUTLOOK_EVENTS = Kind("outlookEvents", MeetingEvents, "Outlook events of a meeting")

ALL: tuple[Kind, ...] = (EMPLOYEE, ROOM, TOPIC, CUSTOMER_TYPE, LABEL, LOCATION, PORTAL, EMPLOYEE_SCHEDULE,
                         COMPETENCE_GROUP, SERVICE_GROUP, ORGANIZATION_SETTING, WEBHOOK, OUTLOOK_MAILBOX,
                         OUTLOOK_EVENTS)
