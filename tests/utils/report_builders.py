"""Builders for report tests over the fakes: topics, groups with members since a given moment,
and the report queries."""

import uuid
from datetime import UTC, datetime, timedelta

from shared import kinds
from shared.context import Context
from shared.models.directory import MeetingTopic
from shared.models.groups import CompetenceGroupDoc, Membership, ServiceGroupDoc, ServiceLevel, ServiceTrigger
from shared.models.organization import OutlookSync
from shared.models.reports import CapacityQuery, ServiceLevelQuery
from shared.services import organization

LONG_AGO = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)


async def add_topic(ctx: Context, name: str = "Boliglån", minutes: int = 60, **fields) -> str:
    id = str(uuid.uuid4())
    await ctx.store(kinds.TOPIC).create(MeetingTopic(id=id, name=name, meeting_duration=timedelta(minutes=minutes),
                                                     **fields))
    return id


def members(*employee_ids: str, since: datetime = LONG_AGO) -> list[Membership]:
    return [Membership(employee_id=employee_id, date_assigned=since) for employee_id in employee_ids]


async def add_service_group(ctx: Context, *employee_ids: str, topic_ids: tuple[str, ...] = (),
                            meeting_types: tuple[str, ...] = (), since: datetime = LONG_AGO,
                            level: ServiceLevel | None = None, **fields) -> str:
    id = str(uuid.uuid4())
    await ctx.store(kinds.SERVICE_GROUP).create(ServiceGroupDoc(
        id=id, name=f"Service {id[:6]}", memberships=members(*employee_ids, since=since),
        service_trigger=ServiceTrigger(topic_ids=list(topic_ids), meeting_types=list(meeting_types)),
        service_level=level or ServiceLevel(), **fields))
    return id


async def add_competence_group(ctx: Context, *employee_ids: str, topic_ids: tuple[str, ...] = (),
                               children: tuple[str, ...] = ()) -> str:
    id = str(uuid.uuid4())
    await ctx.store(kinds.COMPETENCE_GROUP).create(CompetenceGroupDoc(
        id=id, name=f"Competence {id[:6]}", memberships=members(*employee_ids), topic_ids=list(topic_ids),
        child_group_ids=list(children)))
    return id


def capacity_query(first: str, last: str | None = None, **fields) -> CapacityQuery:
    return CapacityQuery.model_validate({"from": first, "to": last or first, **fields})


def service_level_query(service_group_id: str, first: str, last: str | None = None, **fields) -> ServiceLevelQuery:
    return ServiceLevelQuery.model_validate({"serviceGroupId": service_group_id, "from": first, "to": last or first,
                                             **fields})


async def set_outlook_sync(ctx: Context, value: OutlookSync) -> None:
    """The organization's outlookSync setting (contract section 23)."""
    current = await organization.current_settings(ctx)
    await ctx.store(kinds.ORGANIZATION_SETTING).replace(current.item.model_copy(update={"outlook_sync": value}),
                                                        current)
