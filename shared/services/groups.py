"""Competence groups and service groups: CRUD, memberships, advisors, and what availability needs."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from shared.bootstrap import App
from shared.errors import Conflict, InvalidRequest
from shared.models.common import new_id
from shared.models.groups import (
    COMPETENCE_GROUP,
    SERVICE_GROUP,
    CompetenceGroup,
    CompetenceGroupDoc,
    CompetenceGroupWrite,
    EmployeeCompetenceGroup,
    EmployeeServiceGroup,
    ServiceGroup,
    ServiceGroupAdvisors,
    ServiceGroupDoc,
    ServiceGroupWrite,
    ServiceLevel,
    ServiceTrigger,
)
from shared.ports import Documents, Versioned
from shared.rules import groups as rules
from shared.rules.labels import carries_all
from shared.rules.patching import apply_patch
from shared.services import crud, directory, labels

# Output-only paths of a competence group: derived from other documents or expanded names.
COMPETENCE_READ_ONLY = ("/id", "/parentGroupIds", "/serviceGroupIds", "/customerTypes", "/topics")
SERVICE_READ_ONLY = ("/id",)


def competence_groups(app: App) -> Documents[CompetenceGroupDoc]:
    return app.documents(COMPETENCE_GROUP, CompetenceGroupDoc)


def service_groups(app: App) -> Documents[ServiceGroupDoc]:
    return app.documents(SERVICE_GROUP, ServiceGroupDoc)


@dataclass
class _Catalog:
    groups: list[CompetenceGroupDoc]
    service_groups: list[ServiceGroupDoc]
    topics: dict[str, str]
    customer_types: dict[str, str]

    def expand(self, group: CompetenceGroupDoc) -> CompetenceGroup:
        return rules.expand(group, self.groups, self.service_groups, self.topics, self.customer_types)


async def _catalog(app: App) -> _Catalog:
    groups, services, topics, types = await asyncio.gather(
        competence_groups(app).list(), service_groups(app).list(), directory.topics(app).list(),
        directory.customer_types(app).list())
    return _Catalog([v.item for v in groups], [v.item for v in services], {v.item.id: v.item.name for v in topics},
                    {v.item.id: v.item.name for v in types})


async def _expanded(app: App, stored: Versioned[CompetenceGroupDoc]) -> Versioned[CompetenceGroup]:
    return Versioned((await _catalog(app)).expand(stored.item), stored.etag)


# --- competence groups ---

async def list_competence_groups(app: App, wanted_labels: list[str]) -> list[CompetenceGroup]:
    catalog = await _catalog(app)
    chosen = [catalog.expand(g) for g in catalog.groups if carries_all(g.labels, wanted_labels)]
    return sorted(chosen, key=lambda g: (g.name.lower(), g.id))


async def get_competence_group(app: App, id: str) -> Versioned[CompetenceGroup]:
    return await _expanded(app, await crud.get(competence_groups(app), id, "competence group"))


async def _require_known(*checks: tuple[Documents, list[str], list[str], str, str]) -> None:
    """400 naming the field for unknown ids among (store, ids, ids already stored, field, what).
    Ids already stored are not checked again: a topic deleted since must not block other edits."""
    await asyncio.gather(*(directory.require_existing(store, [i for i in ids if i not in old], field, what)
                           for store, ids, old, field, what in checks))


async def _checked_competence_group(app: App, id: str, data: CompetenceGroupWrite,
                                    current: CompetenceGroupDoc | None) -> CompetenceGroupDoc:
    """The document to store: references checked (400), no cycle (400), labels registered."""
    old = current or CompetenceGroupDoc(id=id, name=data.name)
    await _require_known(
        (directory.employees(app), data.employee_ids, old.employee_ids, "employeeIds", "employee"),
        (directory.topics(app), data.topic_ids, old.topic_ids, "topicIds", "meeting topic"),
        (directory.customer_types(app), data.customer_type_ids, old.customer_type_ids, "customerTypeIds",
         "customer type"),
        (competence_groups(app), data.child_group_ids, old.child_group_ids, "childGroupIds", "competence group"))
    if data.child_group_ids:
        children = rules.children_of(v.item for v in await competence_groups(app).list())
        if rules.makes_cycle(children, id, data.child_group_ids):
            raise InvalidRequest("childGroupIds would make a cycle.",
                                 {"childGroupIds": ["A group cannot contain itself, directly or through children."]})
    memberships = rules.with_members(old.memberships, data.employee_ids, app.clock())
    return CompetenceGroupDoc(id=id, memberships=memberships, **data.model_dump(exclude={"employee_ids", "labels"}),
                              labels=await labels.register(app, data.labels))


async def create_competence_group(app: App, data: CompetenceGroupWrite) -> Versioned[CompetenceGroup]:
    stored = await competence_groups(app).create(await _checked_competence_group(app, new_id(), data, None))
    await labels.register(app, stored.item.labels)
    return await _expanded(app, stored)


async def patch_competence_group(app: App, id: str, operations: Any,
                                 if_match: str | None) -> Versioned[CompetenceGroup]:
    """RFC 6902 on the API view; output-only paths are read-only."""

    async def change(current: CompetenceGroupDoc) -> CompetenceGroupDoc:
        view = (await _catalog(app)).expand(current).to_json()
        data = apply_patch(view, operations, CompetenceGroupWrite, COMPETENCE_READ_ONLY)
        return await _checked_competence_group(app, id, data, current)

    stored = await crud.update(competence_groups(app), id, "competence group", change, if_match)
    await labels.register(app, stored.item.labels)
    return await _expanded(app, stored)


async def delete_competence_group(app: App, id: str, if_match: str | None) -> None:
    """Delete a competence group; 409 while another group or a service group refers to it."""

    async def unreferenced(_: CompetenceGroupDoc) -> None:
        catalog = await _catalog(app)
        users = [g.name for g in catalog.groups if id in g.child_group_ids]
        users += [s.name for s in catalog.service_groups if id in s.competence_group_ids]
        if users:
            raise Conflict(f"The competence group is still referenced by: {', '.join(sorted(users))}.")

    await crud.delete(competence_groups(app), id, "competence group", if_match, guard=unreferenced)


# --- service groups ---

def _trigger_checks(app: App, trigger: ServiceTrigger, old: ServiceTrigger) -> list[tuple]:
    return [(directory.topics(app), trigger.topic_ids, old.topic_ids, "serviceTrigger.topicIds", "meeting topic"),
            (directory.customer_types(app), trigger.customer_type_ids, old.customer_type_ids,
             "serviceTrigger.customerTypeIds", "customer type")]


async def _checked_service_group(app: App, id: str, data: ServiceGroupWrite,
                                 current: ServiceGroupDoc | None) -> ServiceGroupDoc:
    """The document to store: references checked (400), labels registered."""
    old = current or ServiceGroupDoc(id=id, name=data.name)
    await _require_known(
        (directory.employees(app), data.employee_ids, old.employee_ids, "employeeIds", "employee"),
        (competence_groups(app), data.competence_group_ids, old.competence_group_ids, "competenceGroupIds",
         "competence group"),
        *_trigger_checks(app, data.service_trigger, old.service_trigger))
    memberships = rules.with_members(old.memberships, data.employee_ids, app.clock())
    return ServiceGroupDoc(id=id, memberships=memberships, **data.model_dump(exclude={"employee_ids", "labels"}),
                           labels=await labels.register(app, data.labels))


async def list_service_groups(app: App, wanted_labels: list[str]) -> list[ServiceGroup]:
    stored = await service_groups(app).list()
    chosen = [v.item.public() for v in stored if carries_all(v.item.labels, wanted_labels)]
    return sorted(chosen, key=lambda s: (s.name.lower(), s.id))


async def get_service_group(app: App, id: str) -> Versioned[ServiceGroup]:
    stored = await crud.get(service_groups(app), id, "service group")
    return Versioned(stored.item.public(), stored.etag)


async def create_service_group(app: App, data: ServiceGroupWrite) -> Versioned[ServiceGroup]:
    stored = await service_groups(app).create(await _checked_service_group(app, new_id(), data, None))
    await labels.register(app, stored.item.labels)
    return Versioned(stored.item.public(), stored.etag)


async def _update_service_group(app: App, id: str, if_match: str | None,
                                change: Callable[[ServiceGroupDoc], Awaitable[ServiceGroupDoc]]):
    stored = await crud.update(service_groups(app), id, "service group", change, if_match)
    await labels.register(app, stored.item.labels)
    return Versioned(stored.item.public(), stored.etag)


async def patch_service_group(app: App, id: str, operations: Any, if_match: str | None) -> Versioned[ServiceGroup]:
    async def change(current: ServiceGroupDoc) -> ServiceGroupDoc:
        data = apply_patch(current.public().to_json(), operations, ServiceGroupWrite, SERVICE_READ_ONLY)
        return await _checked_service_group(app, id, data, current)

    return await _update_service_group(app, id, if_match, change)


async def patch_service_trigger(app: App, id: str, operations: Any, if_match: str | None) -> Versioned[ServiceGroup]:
    """RFC 6902 on the service group's serviceTrigger document."""

    async def change(current: ServiceGroupDoc) -> ServiceGroupDoc:
        trigger = apply_patch(current.service_trigger.to_json(), operations, ServiceTrigger)
        await _require_known(*_trigger_checks(app, trigger, current.service_trigger))
        return current.model_copy(update={"service_trigger": trigger})

    return await _update_service_group(app, id, if_match, change)


async def patch_service_level(app: App, id: str, operations: Any, if_match: str | None) -> Versioned[ServiceGroup]:
    """RFC 6902 on the service group's serviceLevel document."""

    async def change(current: ServiceGroupDoc) -> ServiceGroupDoc:
        level = apply_patch(current.service_level.to_json(), operations, ServiceLevel)
        return current.model_copy(update={"service_level": level})

    return await _update_service_group(app, id, if_match, change)


async def delete_service_group(app: App, id: str, if_match: str | None) -> None:
    await crud.delete(service_groups(app), id, "service group", if_match)


async def service_group_advisors(app: App, id: str) -> ServiceGroupAdvisors:
    stored, groups = await asyncio.gather(crud.get(service_groups(app), id, "service group"),
                                          competence_groups(app).list())
    return rules.advisors(stored.item, [v.item for v in groups])


# --- memberships of one employee ---

def _joined(docs: list[ServiceGroupDoc] | list[CompetenceGroupDoc], employee_id: str):
    return sorted(((doc, m) for doc in docs for m in doc.memberships if m.employee_id == employee_id),
                  key=lambda pair: (pair[0].name.lower(), pair[0].id))


async def employee_competence_groups(app: App, employee_id: str) -> list[EmployeeCompetenceGroup]:
    docs = [v.item for v in await competence_groups(app).list()]
    return [EmployeeCompetenceGroup(id=doc.id, name=doc.name, date_assigned=m.date_assigned)
            for doc, m in _joined(docs, employee_id)]


async def employee_service_groups(app: App, employee_id: str) -> list[EmployeeServiceGroup]:
    docs = [v.item for v in await service_groups(app).list()]
    return [EmployeeServiceGroup(id=doc.id, name=doc.name, membership_email=doc.membership_email,
                                 date_assigned=m.date_assigned) for doc, m in _joined(docs, employee_id)]


async def _change_membership(app: App, store: Documents, what: str, employee_id: str, group_ids: list[str],
                             add: bool) -> None:
    if add:
        await crud.get(directory.employees(app), employee_id, "employee")
    await directory.require_existing(store, group_ids, "body", what)

    def change(doc):
        memberships = (rules.add_member(doc.memberships, employee_id, app.clock()) if add
                       else rules.remove_member(doc.memberships, employee_id))
        return doc.model_copy(update={"memberships": memberships})

    for group_id in dict.fromkeys(group_ids):
        await crud.update(store, group_id, what, change)


async def change_competence_memberships(app: App, employee_id: str, group_ids: list[str],
                                        add: bool) -> list[EmployeeCompetenceGroup]:
    """Add the employee to (or remove them from) the groups; adding twice keeps the first date."""
    await _change_membership(app, competence_groups(app), "competence group", employee_id, group_ids, add)
    return await employee_competence_groups(app, employee_id)


async def change_service_memberships(app: App, employee_id: str, group_ids: list[str],
                                     add: bool) -> list[EmployeeServiceGroup]:
    """Add the employee to (or remove them from) the groups; adding twice keeps the first date."""
    await _change_membership(app, service_groups(app), "service group", employee_id, group_ids, add)
    return await employee_service_groups(app, employee_id)


# --- for availability ---

async def employees_for_topic(app: App, topic_id: str, customer_type_id: str | None) -> set[str]:
    """Members of the competence groups (child groups' members included) that list the topic
    and, when given, the customer type."""
    groups = [v.item for v in await competence_groups(app).list()]
    return rules.qualified_employees(groups, [topic_id], [customer_type_id] if customer_type_id else [])


async def service_group_members(app: App) -> dict[str, list[ServiceGroup]]:
    """Each member of a service group (the ServiceGroup pool) with the service groups they are in;
    their daily cap is rules.groups.smallest_daily_cap of those groups."""
    found: dict[str, list[ServiceGroup]] = {}
    for stored in await service_groups(app).list():
        group = stored.item.public()
        for employee_id in group.employee_ids:
            found.setdefault(employee_id, []).append(group)
    return found
