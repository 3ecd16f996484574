"""Competence groups (who can serve what) and service groups (who serves together), V3.

Stored documents keep each membership with the date it began; the API shows `employeeIds`.
"""

from datetime import timedelta
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from shared.models.common import ApiModel, Email, Line, MeetingType, TimeSpan, UtcDateTime, Uuid
from shared.models.labels import LabelName


def _unique(values: list) -> list:
    return list(dict.fromkeys(values))


def _positive_day_span(value: timedelta | None) -> timedelta | None:
    if value is not None and not timedelta(0) < value <= timedelta(days=1):
        raise ValueError("must be more than 00:00:00 and at most 1.00:00:00")
    return value


def _positive_span(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError("must be more than 00:00:00")
    return value


Name = Annotated[Line, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Bounded so that one request cannot make the service look up or register without end.
Ids = Annotated[list[Uuid], Field(max_length=1000), AfterValidator(_unique)]
Labels = Annotated[list[LabelName], Field(max_length=50), AfterValidator(_unique)]
DailyCap = Annotated[TimeSpan | None, AfterValidator(_positive_day_span)]


class NamedRef(ApiModel):
    id: str = Field(description="The id of the customer type or topic.")
    name: str = Field(description="Its name.")


class Membership(ApiModel):
    employee_id: Uuid
    date_assigned: UtcDateTime


GROUP_NAME = "The group's name."
MEMBERS = "The employees in the group (directory ids)."
GROUP_LABELS = "Label names (any case; an unknown name is registered as a label)."


class CompetenceGroupWrite(ApiModel):
    name: Name = Field(description=GROUP_NAME)
    employee_ids: Ids = Field(default=[], description=MEMBERS)
    customer_type_ids: Ids = Field(default=[], description=(
        "The customer types the group serves; a search for a customer type finds only the members of groups "
        "that list it."))
    topic_ids: Ids = Field(default=[], description=(
        "The meeting topics the group's members (and those of its child groups) may hold."))
    child_group_ids: Ids = Field(default=[], description=(
        "Groups within this one: their members also serve this group's topics and customer types. No cycles."))
    labels: Labels = Field(default=[], description=GROUP_LABELS)


class CompetenceGroupDoc(ApiModel):
    """A stored competence group."""

    id: Uuid
    name: str
    memberships: list[Membership] = []
    customer_type_ids: list[str] = []
    topic_ids: list[str] = []
    child_group_ids: list[str] = []
    labels: list[str] = []

    @property
    def employee_ids(self) -> list[str]:
        return [m.employee_id for m in self.memberships]


class CompetenceGroup(ApiModel):
    """A competence group as the API shows it; parents and service groups are derived."""

    id: Uuid = Field(description="The group's id.")
    name: str = Field(description=GROUP_NAME)
    child_group_ids: list[str] = Field(default=[], description="Groups within this one.")
    parent_group_ids: list[str] = Field(default=[], description="Groups that list this one as a child (derived).")
    customer_type_ids: list[str] = Field(default=[], description="The customer types the group serves.")
    customer_types: list[NamedRef] = Field(default=[], description="The same customer types with their names.")
    employee_ids: list[str] = Field(default=[], description=MEMBERS)
    topic_ids: list[str] = Field(default=[], description="The meeting topics the group's members may hold.")
    topics: list[NamedRef] = Field(default=[], description="The same topics with their names.")
    service_group_ids: list[str] = Field(default=[], description=(
        "The service groups that include this competence group (derived)."))
    labels: list[str] = Field(default=[], description="Label names.")


class EmployeeCompetenceGroup(ApiModel):
    id: Uuid = Field(description="The competence group's id.")
    name: str = Field(description="The competence group's name.")
    date_assigned: UtcDateTime = Field(description="When the employee joined the group.")


class ServiceTrigger(ApiModel):
    """Which requests the service group takes: its skill-based advisors come from these."""

    topic_ids: Ids = Field(default=[], description="Topics whose requests the group takes.")
    customer_type_ids: Ids = Field(default=[], description="Customer types whose requests the group takes.")
    meeting_types: Annotated[list[MeetingType], AfterValidator(_unique)] = Field(
        default=[], max_length=20, description="Meeting types the group takes.")
    is_enabled: bool = Field(default=True, description="false: the trigger qualifies no advisor. Default true.")


class ServiceLevel(ApiModel):
    """The response the service group promises."""

    max_response_time: Annotated[TimeSpan, AfterValidator(_positive_span)] = Field(
        default=timedelta(days=1), description="How soon after a booking is made its meeting should start, a "
                                               "TimeSpan `[d.]hh:mm:ss`. Default `1.00:00:00`.")
    target_percentage: float = Field(80, ge=0, le=100, description=(
        "The share of bookings (0 to 100) whose meeting starts within maxResponseTime. Default 80."))
    max_meetings_per_day: int | None = Field(None, ge=0, le=1000, description=(
        "How many meetings the group takes a day at most; null: no limit. Stored for the bank's planning."))


MEMBERSHIP_EMAIL = "The group's shared mailbox."
GROUP_CAP = ("The daily meeting-time cap of its members, a TimeSpan `hh:mm:ss` up to `1.00:00:00`; an employee's own "
             "schedule cap comes first, and of several groups the smallest applies. null: the organization's.")
TRIGGER = "Which requests the group takes; its skill-based advisors come from these."
LEVEL = "The response the group promises."


class ServiceGroupWrite(ApiModel):
    name: Name = Field(description=GROUP_NAME)
    membership_email: Email | None = Field(default=None, description=MEMBERSHIP_EMAIL)
    employee_ids: Ids = Field(default=[], description=MEMBERS)
    competence_group_ids: Ids = Field(default=[], description=(
        "Competence groups whose members (and those of their child groups) also serve with this group."))
    labels: Labels = Field(default=[], description=GROUP_LABELS)
    max_meeting_time_per_day: DailyCap = Field(default=None, description=GROUP_CAP)
    service_trigger: ServiceTrigger = Field(default_factory=ServiceTrigger, description=TRIGGER)
    service_level: ServiceLevel = Field(default_factory=ServiceLevel, description=LEVEL)


class ServiceGroup(ApiModel):
    """A service group as the API shows it."""

    id: Uuid = Field(description="The group's id.")
    name: str = Field(description=GROUP_NAME)
    membership_email: str | None = Field(default=None, description=MEMBERSHIP_EMAIL)
    employee_ids: list[str] = Field(default=[], description=MEMBERS)
    competence_group_ids: list[str] = Field(default=[], description="Competence groups that serve with this group.")
    labels: list[str] = Field(default=[], description="Label names.")
    max_meeting_time_per_day: TimeSpan | None = Field(default=None, description=GROUP_CAP)
    service_trigger: ServiceTrigger = Field(default_factory=ServiceTrigger, description=TRIGGER)
    service_level: ServiceLevel = Field(default_factory=ServiceLevel, description=LEVEL)


class ServiceGroupDoc(ApiModel):
    """A stored service group."""

    id: Uuid
    name: str
    membership_email: str | None = None
    memberships: list[Membership] = []
    competence_group_ids: list[str] = []
    labels: list[str] = []
    max_meeting_time_per_day: TimeSpan | None = None
    service_trigger: ServiceTrigger = Field(default_factory=ServiceTrigger)
    service_level: ServiceLevel = Field(default_factory=ServiceLevel)

    @property
    def employee_ids(self) -> list[str]:
        return [m.employee_id for m in self.memberships]

    def public(self) -> ServiceGroup:
        fields = self.model_dump(exclude={"memberships"})
        return ServiceGroup(**fields, employee_ids=self.employee_ids)


class EmployeeServiceGroup(ApiModel):
    id: Uuid = Field(description="The service group's id.")
    name: str = Field(description="The service group's name.")
    membership_email: str | None = Field(default=None, description=MEMBERSHIP_EMAIL)
    date_assigned: UtcDateTime = Field(description="When the employee joined the group.")


class ServiceGroupAdvisors(ApiModel):
    skill_based: list[str] = Field([], description="Qualified through the service trigger's topics and customer types.")
    assigned: list[str] = Field([], description="The service group's own members.")
    competence_group_advisors: list[str] = Field(
        [], description="Members of its competence groups and of their child groups.")
