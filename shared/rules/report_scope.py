"""What a report covers (contract section 25): its organization-local days and its employees,
and the customer search whose slots it counts. Pure; a 400 says what to send instead."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from shared.errors import invalid
from shared.models.common import MeetingType
from shared.models.groups import CompetenceGroupDoc, ServiceGroupDoc
from shared.models.reports import MAX_REPORT_EMPLOYEES
from shared.rules import groups as group_rules
from shared.rules.availability_time import LocalCalendar, from_us
from shared.rules.local_days import local_date


@dataclass(frozen=True)
class Window:
    """Organization-local days first..last, and the UTC instants of their midnights."""

    first: date
    last: date
    start: datetime
    end: datetime

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def window(first: date | datetime, last: date | datetime, zone: str, max_days: int) -> Window:
    """The days from `first` to `last`, both included; a date-time stands for its local date."""
    calendar = LocalCalendar(zone)
    first_day, last_day = (_local_date(value, calendar) for value in (first, last))
    if last_day < first_day:
        raise invalid("to", f"to ({last_day}) must not be before from ({first_day}).")
    if (last_day - first_day).days + 1 > max_days:
        raise invalid("to", f"A report covers at most {max_days} days: give a to at most {max_days - 1} days "
                            f"after from ({first_day + timedelta(days=max_days - 1)} at the latest).")
    midnight = time(0)
    return Window(first_day, last_day, from_us(calendar.wall_us(first_day, midnight)),
                  from_us(calendar.wall_us(last_day, midnight, is_end=True)))


def _local_date(value: date | datetime, calendar: LocalCalendar) -> date:
    return local_date(value, calendar.zone) if isinstance(value, datetime) else value


@dataclass(frozen=True)
class Scope:
    """The employees a report covers and the customer search its `slots` count."""

    employee_ids: tuple[str, ...]
    topic_id: str | None
    meeting_types: tuple[MeetingType, ...]
    group_name: str | None = None


def capacity_scope(*, service_group_id: str | None, competence_group_id: str | None, employee_ids: Sequence[str],
                   topic_id: str | None, meeting_types: Sequence[MeetingType],
                   service_groups: Sequence[ServiceGroupDoc], competence_groups: Sequence[CompetenceGroupDoc],
                   known_employees: set[str], known_topics: set[str]) -> Scope:
    """Exactly one of a service group (its members), a competence group (its members and those of
    its child groups, transitively) or employee ids; the topic given, else the group's only one."""
    if [service_group_id is not None, competence_group_id is not None, bool(employee_ids)].count(True) != 1:
        raise invalid("serviceGroupId", "Give exactly one of serviceGroupId, competenceGroupId or employeeIds.")
    if service_group_id is not None:
        group = service_group(service_group_id, service_groups)
        return service_group_scope(group, topic_id, meeting_types, known_topics)
    if competence_group_id is not None:
        found = next((g for g in competence_groups if g.id == competence_group_id), None)
        if found is None:
            raise invalid("competenceGroupId", f"Unknown competence group {competence_group_id}.")
        members = group_rules.members(competence_groups, group_rules.descendants(
            group_rules.children_of(competence_groups), [found.id]))
        return _scope("competenceGroupId", members, _topic(topic_id, found.topic_ids, known_topics),
                      meeting_types, found.name)
    unknown = sorted(set(employee_ids) - known_employees)
    if unknown:
        raise invalid("employeeIds", f"Unknown employees: {', '.join(unknown[:10])}.")
    return _scope("employeeIds", set(employee_ids), _topic(topic_id, [], known_topics), meeting_types)


def service_group(service_group_id: str, service_groups: Sequence[ServiceGroupDoc]) -> ServiceGroupDoc:
    found = next((g for g in service_groups if g.id == service_group_id), None)
    if found is None:
        raise invalid("serviceGroupId", f"Unknown service group {service_group_id}.")
    return found


def service_group_scope(group: ServiceGroupDoc, topic_id: str | None, meeting_types: Sequence[MeetingType],
                        known_topics: set[str]) -> Scope:
    """A service group's members (`employeeIds`, as the ServiceGroup pool of a search), searched
    for its trigger's topic and meeting types unless others are given."""
    trigger = group.service_trigger
    return _scope("serviceGroupId", set(group.employee_ids), _topic(topic_id, trigger.topic_ids, known_topics),
                  meeting_types or trigger.meeting_types, group.name)


def _topic(given: str | None, listed: Sequence[str], known_topics: set[str]) -> str | None:
    if given is not None:
        if given not in known_topics:
            raise invalid("topic", f"Unknown meeting topic {given}.")
        return given
    # Topics deleted from the directory since are skipped, as the groups' other readers do.
    listed = [topic for topic in dict.fromkeys(listed) if topic in known_topics]
    if len(listed) > 1:
        raise invalid("topic", f"The group lists {len(listed)} topics: give topic, one of {', '.join(listed)}.")
    return listed[0] if listed else None


def _scope(field: str, members: set[str], topic_id: str | None, meeting_types: Sequence[MeetingType],
           group_name: str | None = None) -> Scope:
    if len(members) > MAX_REPORT_EMPLOYEES:
        raise invalid(field, f"A report covers at most {MAX_REPORT_EMPLOYEES:,} employees and this one has "
                             f"{len(members):,}: report on a smaller group, or on employeeIds.")
    return Scope(tuple(sorted(members)), topic_id, tuple(dict.fromkeys(meeting_types)), group_name)
