"""Competence groups: CRUD, memberships and topic qualification; the stores of both group kinds."""

import asyncio
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
    ServiceGroupDoc,
)
from shared.ports import Documents, Versioned
from shared.rules import groups as rules
from shared.rules.labels import carries_all
from shared.rules.patching import apply_patch
from shared.services import crud, directory, labels
from shared.services.memberships import change_membership, joined, require_known

# Output-only paths of a competence group: derived from other documents or expanded names.
COMPETENCE_READ_ONLY = ("/id", "/parentGroupIds", "/serviceGroupIds", "/customerTypes", "/topics")


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


async def _checked_competence_group(app: App, id: str, data: CompetenceGroupWrite,
                                    current: CompetenceGroupDoc | None) -> CompetenceGroupDoc:
    """The document to store: references checked (400), no cycle (400), labels registered."""
    old = current or CompetenceGroupDoc(id=id, name=data.name)
    await require_known(
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


async def employee_competence_groups(app: App, employee_id: str) -> list[EmployeeCompetenceGroup]:
    docs = [v.item for v in await competence_groups(app).list()]
    return [EmployeeCompetenceGroup(id=doc.id, name=doc.name, date_assigned=m.date_assigned)
            for doc, m in joined(docs, employee_id)]


async def change_competence_memberships(app: App, employee_id: str, group_ids: list[str],
                                        add: bool) -> list[EmployeeCompetenceGroup]:
    """Add the employee to (or remove them from) the groups; adding twice keeps the first date."""
    await change_membership(app, competence_groups(app), "competence group", employee_id, group_ids, add)
    return await employee_competence_groups(app, employee_id)
