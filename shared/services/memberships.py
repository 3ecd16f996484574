"""Group memberships and reference checks shared by competence and service groups."""

import asyncio

from shared.context import Context
from shared.models.groups import CompetenceGroupDoc, ServiceGroupDoc
from shared.ports import Documents
from shared.rules import groups as rules
from shared.services import crud, directory


async def require_known(*checks: tuple[Documents, list[str], list[str], str, str]) -> None:
    """400 naming the field for unknown ids among (store, ids, ids already stored, field, what).
    Ids already stored are not checked again: a topic deleted since must not block other edits."""
    await asyncio.gather(*(directory.require_existing(store, [i for i in ids if i not in old], field, what)
                           for store, ids, old, field, what in checks))


def joined(docs: list[ServiceGroupDoc] | list[CompetenceGroupDoc], employee_id: str):
    return sorted(((doc, m) for doc in docs for m in doc.memberships if m.employee_id == employee_id),
                  key=lambda pair: (pair[0].name.lower(), pair[0].id))


async def change_membership(ctx: Context, store: Documents, what: str, employee_id: str, group_ids: list[str],
                             add: bool) -> None:
    if add:
        await crud.get(directory.employees(ctx), employee_id, "employee")
    await directory.require_existing(store, group_ids, "body", what)

    def change(doc):
        memberships = (rules.add_member(doc.memberships, employee_id, ctx.clock()) if add
                       else rules.remove_member(doc.memberships, employee_id))
        return doc.model_copy(update={"memberships": memberships})

    for group_id in dict.fromkeys(group_ids):
        await crud.update(store, group_id, what, change)
