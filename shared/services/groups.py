"""Competence groups: CRUD, memberships and topic qualification; the stores of both group kinds."""

import asyncio
from dataclasses import dataclass
from typing import Any

from shared import kinds
from shared.context import Context
from shared.errors import Conflict, InvalidRequest
from shared.models.common import new_id
from shared.models.groups import (
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


def competence_groups(ctx: Context) -> Documents[CompetenceGroupDoc]:
    return ctx.store(kinds.COMPETENCE_GROUP)


def service_groups(ctx: Context) -> Documents[ServiceGroupDoc]:
    return ctx.store(kinds.SERVICE_GROUP)


@dataclass
class _Catalog:
    groups: list[CompetenceGroupDoc]
    service_groups: list[ServiceGroupDoc]
    topics: dict[str, str]
    customer_types: dict[str, str]

    def expand(self, group: CompetenceGroupDoc) -> CompetenceGroup:
        return rules.expand(group, self.groups, self.service_groups, self.topics, self.customer_types)


async def _catalog(ctx: Context) -> _Catalog:
    groups, services, topics, types = await asyncio.gather(
        competence_groups(ctx).list(), service_groups(ctx).list(), directory.topics(ctx).list(),
        directory.customer_types(ctx).list())
    return _Catalog([v.item for v in groups], [v.item for v in services], {v.item.id: v.item.name for v in topics},
                    {v.item.id: v.item.name for v in types})


async def _expanded(ctx: Context, stored: Versioned[CompetenceGroupDoc]) -> Versioned[CompetenceGroup]:
    return Versioned((await _catalog(ctx)).expand(stored.item), stored.etag)


# --- competence groups ---

async def list_competence_groups(ctx: Context, wanted_labels: list[str]) -> list[CompetenceGroup]:
    catalog = await _catalog(ctx)
    chosen = [catalog.expand(g) for g in catalog.groups if carries_all(g.labels, wanted_labels)]
    return sorted(chosen, key=lambda g: (g.name.lower(), g.id))


async def get_competence_group(ctx: Context, id: str) -> Versioned[CompetenceGroup]:
    return await _expanded(ctx, await crud.get(competence_groups(ctx), id, "competence group"))


async def _checked_competence_group(ctx: Context, id: str, data: CompetenceGroupWrite,
                                    current: CompetenceGroupDoc | None) -> CompetenceGroupDoc:
    """The document to store: references checked (400), no cycle (400), labels registered."""
    old = current or CompetenceGroupDoc(id=id, name=data.name)
    await require_known(
        (directory.employees(ctx), data.employee_ids, old.employee_ids, "employeeIds", "employee"),
        (directory.topics(ctx), data.topic_ids, old.topic_ids, "topicIds", "meeting topic"),
        (directory.customer_types(ctx), data.customer_type_ids, old.customer_type_ids, "customerTypeIds",
         "customer type"),
        (competence_groups(ctx), data.child_group_ids, old.child_group_ids, "childGroupIds", "competence group"))
    if data.child_group_ids:
        children = rules.children_of(v.item for v in await competence_groups(ctx).list())
        if rules.makes_cycle(children, id, data.child_group_ids):
            raise InvalidRequest("childGroupIds would make a cycle.",
                                 {"childGroupIds": ["A group cannot contain itself, directly or through children."]})
    memberships = rules.with_members(old.memberships, data.employee_ids, ctx.clock())
    return CompetenceGroupDoc(id=id, memberships=memberships, **data.model_dump(exclude={"employee_ids", "labels"}),
                              labels=await labels.register(ctx, data.labels))


async def create_competence_group(ctx: Context, data: CompetenceGroupWrite) -> Versioned[CompetenceGroup]:
    stored = await competence_groups(ctx).create(await _checked_competence_group(ctx, new_id(), data, None))
    await labels.register(ctx, stored.item.labels)
    return await _expanded(ctx, stored)


async def patch_competence_group(ctx: Context, id: str, operations: Any,
                                 if_match: str | None) -> Versioned[CompetenceGroup]:
    """RFC 6902 on the API view; output-only paths are read-only."""

    async def change(current: CompetenceGroupDoc) -> CompetenceGroupDoc:
        view = (await _catalog(ctx)).expand(current).to_json()
        data = apply_patch(view, operations, CompetenceGroupWrite, COMPETENCE_READ_ONLY)
        return await _checked_competence_group(ctx, id, data, current)

    stored = await crud.update(competence_groups(ctx), id, "competence group", change, if_match)
    await labels.register(ctx, stored.item.labels)
    return await _expanded(ctx, stored)


async def delete_competence_group(ctx: Context, id: str, if_match: str | None) -> None:
    """Delete a competence group; 409 while another group or a service group refers to it."""

    async def unreferenced(_: CompetenceGroupDoc) -> None:
        catalog = await _catalog(ctx)
        users = [g.name for g in catalog.groups if id in g.child_group_ids]
        users += [s.name for s in catalog.service_groups if id in s.competence_group_ids]
        if users:
            raise Conflict(f"The competence group is still referenced by: {', '.join(sorted(users))}.")

    await crud.delete(competence_groups(ctx), id, "competence group", if_match, guard=unreferenced)


async def employee_competence_groups(ctx: Context, employee_id: str) -> list[EmployeeCompetenceGroup]:
    docs = [v.item for v in await competence_groups(ctx).list()]
    return [EmployeeCompetenceGroup(id=doc.id, name=doc.name, date_assigned=m.date_assigned)
            for doc, m in joined(docs, employee_id)]


async def change_competence_memberships(ctx: Context, employee_id: str, group_ids: list[str],
                                        add: bool) -> list[EmployeeCompetenceGroup]:
    """Add the employee to (or remove them from) the groups; adding twice keeps the first date."""
    await change_membership(ctx, competence_groups(ctx), "competence group", employee_id, group_ids, add)
    return await employee_competence_groups(ctx, employee_id)
