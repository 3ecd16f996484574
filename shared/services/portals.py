"""Portals: booking pages with custom fields; hidden fields are shown only when asked for."""

import asyncio
from typing import Any

from shared import kinds
from shared.context import Context
from shared.models.common import new_id
from shared.models.portals import Portal, PortalWrite
from shared.ports import Documents, Versioned
from shared.rules.labels import carries_all
from shared.rules.portal_fields import visible
from shared.services import crud, directory, labels

READ_ONLY = ("/id",)


def portals(ctx: Context) -> Documents[Portal]:
    return ctx.store(kinds.PORTAL)


def _added(new: str | None, old: str | None) -> list[str]:
    # An id the portal already had is not checked again: a topic deleted since must not block other edits.
    return [new] if new and new != old else []


async def _checked(ctx: Context, id: str, data: PortalWrite, current: Portal | None = None) -> Portal:
    """The portal to store: references checked (400), field ids filled in, labels registered."""
    await asyncio.gather(
        directory.require_existing(directory.customer_types(ctx),
                                   _added(data.customer_type_id, current and current.customer_type_id),
                                   "customerTypeId", "customer type"),
        directory.require_existing(directory.topics(ctx), _added(data.topic_id, current and current.topic_id),
                                   "topicId", "meeting topic"))
    fields = [f if f.id else f.model_copy(update={"id": new_id()}) for f in data.fields]
    return Portal(**data.model_dump(exclude={"id", "fields", "labels"}), id=id, fields=fields,
                  labels=await labels.register(ctx, data.labels))


async def list_portals(ctx: Context, include_hidden: bool, wanted_labels: list[str]) -> list[Portal]:
    stored = await portals(ctx).list()
    chosen = [visible(v.item, include_hidden) for v in stored if carries_all(v.item.labels, wanted_labels)]
    return sorted(chosen, key=lambda p: (p.name.lower(), p.id))


async def get_portal(ctx: Context, id: str, include_hidden: bool) -> Versioned[Portal]:
    stored = await crud.get(portals(ctx), id, "portal")
    return Versioned(visible(stored.item, include_hidden), stored.etag)


async def create_portal(ctx: Context, data: PortalWrite) -> Versioned[Portal]:
    stored = await portals(ctx).create(await _checked(ctx, new_id(), data))
    await labels.register(ctx, stored.item.labels)
    return stored


async def patch_portal(ctx: Context, id: str, operations: Any, if_match: str | None) -> Versioned[Portal]:
    """RFC 6902 on the whole portal, hidden fields included."""
    stored = await crud.patch(portals(ctx), id, "portal", operations, Portal, READ_ONLY, if_match,
                              validate=lambda current, patched: _checked(ctx, id, patched, current))
    await labels.register(ctx, stored.item.labels)
    return stored


async def delete_portal(ctx: Context, id: str, if_match: str | None) -> None:
    await crud.delete(portals(ctx), id, "portal", if_match)
