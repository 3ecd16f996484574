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
    id: str
    name: str


class Membership(ApiModel):
    employee_id: Uuid
    date_assigned: UtcDateTime


class CompetenceGroupWrite(ApiModel):
    name: Name
    employee_ids: Ids = []
    customer_type_ids: Ids = []
    topic_ids: Ids = []
    child_group_ids: Ids = []
    labels: Labels = []


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

    id: Uuid
    name: str
    child_group_ids: list[str] = []
    parent_group_ids: list[str] = []
    customer_type_ids: list[str] = []
    customer_types: list[NamedRef] = []
    employee_ids: list[str] = []
    topic_ids: list[str] = []
    topics: list[NamedRef] = []
    service_group_ids: list[str] = []
    labels: list[str] = []


class EmployeeCompetenceGroup(ApiModel):
    id: Uuid
    name: str
    date_assigned: UtcDateTime


class ServiceTrigger(ApiModel):
    """Which requests the service group takes: its skill-based advisors come from these."""

    topic_ids: Ids = []
    customer_type_ids: Ids = []
    meeting_types: Annotated[list[MeetingType], Field(max_length=20), AfterValidator(_unique)] = []
    is_enabled: bool = True


class ServiceLevel(ApiModel):
    """The response the service group promises."""

    max_response_time: Annotated[TimeSpan, AfterValidator(_positive_span)] = timedelta(days=1)
    target_percentage: float = Field(80, ge=0, le=100)
    max_meetings_per_day: int | None = Field(None, ge=0, le=1000)


class ServiceGroupWrite(ApiModel):
    name: Name
    membership_email: Email | None = None
    employee_ids: Ids = []
    competence_group_ids: Ids = []
    labels: Labels = []
    max_meeting_time_per_day: DailyCap = None
    service_trigger: ServiceTrigger = Field(default_factory=ServiceTrigger)
    service_level: ServiceLevel = Field(default_factory=ServiceLevel)


class ServiceGroup(ApiModel):
    """A service group as the API shows it."""

    id: Uuid
    name: str
    membership_email: str | None = None
    employee_ids: list[str] = []
    competence_group_ids: list[str] = []
    labels: list[str] = []
    max_meeting_time_per_day: TimeSpan | None = None
    service_trigger: ServiceTrigger = Field(default_factory=ServiceTrigger)
    service_level: ServiceLevel = Field(default_factory=ServiceLevel)


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
    id: Uuid
    name: str
    membership_email: str | None = None
    date_assigned: UtcDateTime


class ServiceGroupAdvisors(ApiModel):
    skill_based: list[str] = Field([], description="Qualified through the service trigger's topics and customer types.")
    assigned: list[str] = Field([], description="The service group's own members.")
    competence_group_advisors: list[str] = Field(
        [], description="Members of its competence groups and of their child groups.")
