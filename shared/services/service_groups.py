"""Service groups: CRUD, service trigger and level, advisors and memberships."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from shared.context import Context
from shared.models.common import new_id
from shared.models.groups import (
    EmployeeServiceGroup,
    ServiceGroup,
    ServiceGroupAdvisors,
    ServiceGroupDoc,
    ServiceGroupWrite,
    ServiceLevel,
    ServiceTrigger,
)
from shared.ports import Versioned
from shared.rules import groups as rules
from shared.rules.labels import carries_all
from shared.rules.patching import apply_patch
from shared.services import crud, directory, labels
from shared.services.groups import competence_groups, service_groups
from shared.services.memberships import change_membership, joined, require_known

SERVICE_READ_ONLY = ("/id",)


def _trigger_checks(ctx: Context, trigger: ServiceTrigger, old: ServiceTrigger) -> list[tuple]:
    return [(directory.topics(ctx), trigger.topic_ids, old.topic_ids, "serviceTrigger.topicIds", "meeting topic"),
            (directory.customer_types(ctx), trigger.customer_type_ids, old.customer_type_ids,
             "serviceTrigger.customerTypeIds", "customer type")]


async def _checked_service_group(ctx: Context, id: str, data: ServiceGroupWrite,
                                 current: ServiceGroupDoc | None) -> ServiceGroupDoc:
    """The document to store: references checked (400), labels registered."""
    old = current or ServiceGroupDoc(id=id, name=data.name)
    await require_known(
        (directory.employees(ctx), data.employee_ids, old.employee_ids, "employeeIds", "employee"),
        (competence_groups(ctx), data.competence_group_ids, old.competence_group_ids, "competenceGroupIds",
         "competence group"),
        *_trigger_checks(ctx, data.service_trigger, old.service_trigger))
    memberships = rules.with_members(old.memberships, data.employee_ids, ctx.clock())
    return ServiceGroupDoc(id=id, memberships=memberships, **data.model_dump(exclude={"employee_ids", "labels"}),
                           labels=await labels.register(ctx, data.labels))


async def list_service_groups(ctx: Context, wanted_labels: list[str]) -> list[ServiceGroup]:
    stored = await service_groups(ctx).list()
    chosen = [v.item.public() for v in stored if carries_all(v.item.labels, wanted_labels)]
    return sorted(chosen, key=lambda s: (s.name.lower(), s.id))


async def get_service_group(ctx: Context, id: str) -> Versioned[ServiceGroup]:
    stored = await crud.get(service_groups(ctx), id, "service group")
    return Versioned(stored.item.public(), stored.etag)


async def create_service_group(ctx: Context, data: ServiceGroupWrite) -> Versioned[ServiceGroup]:
    stored = await service_groups(ctx).create(await _checked_service_group(ctx, new_id(), data, None))
    await labels.register(ctx, stored.item.labels)
    return Versioned(stored.item.public(), stored.etag)


async def _update_service_group(ctx: Context, id: str, if_match: str | None,
                                change: Callable[[ServiceGroupDoc], Awaitable[ServiceGroupDoc]]):
    stored = await crud.update(service_groups(ctx), id, "service group", change, if_match)
    await labels.register(ctx, stored.item.labels)
    return Versioned(stored.item.public(), stored.etag)


async def patch_service_group(ctx: Context, id: str, operations: Any, if_match: str | None) -> Versioned[ServiceGroup]:
    async def change(current: ServiceGroupDoc) -> ServiceGroupDoc:
        data = apply_patch(current.public().to_json(), operations, ServiceGroupWrite, SERVICE_READ_ONLY)
        return await _checked_service_group(ctx, id, data, current)

    return await _update_service_group(ctx, id, if_match, change)


async def patch_service_trigger(ctx: Context, id: str, operations: Any,
                                if_match: str | None) -> Versioned[ServiceGroup]:
    """RFC 6902 on the service group's serviceTrigger document."""

    async def change(current: ServiceGroupDoc) -> ServiceGroupDoc:
        trigger = apply_patch(current.service_trigger.to_json(), operations, ServiceTrigger)
        await require_known(*_trigger_checks(ctx, trigger, current.service_trigger))
        return current.model_copy(update={"service_trigger": trigger})

    return await _update_service_group(ctx, id, if_match, change)


async def patch_service_level(ctx: Context, id: str, operations: Any, if_match: str | None) -> Versioned[ServiceGroup]:
    """RFC 6902 on the service group's serviceLevel document."""

    async def change(current: ServiceGroupDoc) -> ServiceGroupDoc:
        level = apply_patch(current.service_level.to_json(), operations, ServiceLevel)
        return current.model_copy(update={"service_level": level})

    return await _update_service_group(ctx, id, if_match, change)


async def delete_service_group(ctx: Context, id: str, if_match: str | None) -> None:
    await crud.delete(service_groups(ctx), id, "service group", if_match)


async def service_group_advisors(ctx: Context, id: str) -> ServiceGroupAdvisors:
    stored, groups = await asyncio.gather(crud.get(service_groups(ctx), id, "service group"),
                                          competence_groups(ctx).list())
    return rules.advisors(stored.item, [v.item for v in groups])


async def employee_service_groups(ctx: Context, employee_id: str) -> list[EmployeeServiceGroup]:
    docs = [v.item for v in await service_groups(ctx).list()]
    return [EmployeeServiceGroup(id=doc.id, name=doc.name, membership_email=doc.membership_email,
                                 date_assigned=m.date_assigned) for doc, m in joined(docs, employee_id)]


async def change_service_memberships(ctx: Context, employee_id: str, group_ids: list[str],
                                     add: bool) -> list[EmployeeServiceGroup]:
    """Add the employee to (or remove them from) the groups; adding twice keeps the first date."""
    await change_membership(ctx, service_groups(ctx), "service group", employee_id, group_ids, add)
    return await employee_service_groups(ctx, employee_id)
