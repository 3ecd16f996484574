"""Label registrations. Usage is never stored: it is counted from the competence groups,
service groups and portals on every read, so it is exact whatever writes race (docs/labels.md)."""

import asyncio
from collections.abc import Iterable

from pydantic import ValidationError

from shared import kinds
from shared.context import Context
from shared.errors import Conflict, InvalidRequest
from shared.models.common import new_id
from shared.models.labels import (
    ActiveFilter,
    Label,
    LabelListQuery,
    LabelPage,
    LabelPatch,
    LabelRegistration,
    LabelSearchQuery,
    LabelSuggestion,
    LabelSuggestQuery,
    LabelWrite,
)
from shared.ports import Documents, Versioned
from shared.rules import labels as rules
from shared.rules.validation import validation_errors
from shared.services import crud


def labels(ctx: Context) -> Documents[Label]:
    return ctx.store(kinds.LABEL)


async def usage_counts(ctx: Context) -> dict[str, int]:
    """Resources carrying each label, by label_key: one query per labelled kind."""
    stores = (ctx.store(kinds.COMPETENCE_GROUP), ctx.store(kinds.SERVICE_GROUP),
              ctx.store(kinds.PORTAL))
    listed = await asyncio.gather(*(store.list() for store in stores))
    return rules.count_usage(v.item.labels for items in listed for v in items)


def _registration(label: Label, counts: dict[str, int]) -> LabelRegistration:
    return LabelRegistration(**label.model_dump(), usage_count=counts.get(rules.label_key(label.label_name), 0))


async def registrations(ctx: Context, active_filter: ActiveFilter = ActiveFilter.ALL) -> list[LabelRegistration]:
    """Every registration with its usage, sorted by name."""
    stored, counts = await asyncio.gather(labels(ctx).list(), usage_counts(ctx))
    return rules.by_name(_registration(v.item, counts) for v in stored if rules.is_selected(v.item.is_active,
                                                                                             active_filter))


async def list_labels(ctx: Context, query: LabelListQuery) -> LabelPage:
    selected = await registrations(ctx, query.active_filter)
    return LabelPage(items=rules.page(selected, query.page_number, query.page_size), page_number=query.page_number,
                     page_size=query.page_size, total_count=len(selected))


async def search_labels(ctx: Context, query: LabelSearchQuery):
    return rules.search(await registrations(ctx, query.active_filter), query.q, query.threshold, query.limit)


async def suggest_labels(ctx: Context, query: LabelSuggestQuery) -> list[LabelSuggestion]:
    return rules.suggest(await registrations(ctx, query.active_filter), query.prefix, query.limit)


async def _with_usage(ctx: Context, stored: Versioned[Label]) -> Versioned[LabelRegistration]:
    return Versioned(_registration(stored.item, await usage_counts(ctx)), stored.etag)


async def get_label(ctx: Context, id: str) -> Versioned[LabelRegistration]:
    return await _with_usage(ctx, await crud.get(labels(ctx), id, "label"))


async def create_label(ctx: Context, data: LabelWrite) -> Versioned[LabelRegistration]:
    now = ctx.clock()
    stored = await labels(ctx).create(Label(id=new_id(), first_seen=now, last_updated=now, **data.model_dump()))
    return await _with_usage(ctx, stored)


async def update_label(ctx: Context, id: str, changes: LabelPatch,
                       if_match: str | None) -> Versioned[LabelRegistration]:
    """Merge the given fields; a rename beyond case is refused (409) while resources carry the label."""
    given = changes.model_dump(mode="json", by_alias=True, exclude_unset=True)

    async def merge(current: Label) -> Label:
        try:
            merged = Label.model_validate({**current.to_json(), **given, "lastUpdated": ctx.clock()})
        except ValidationError as error:
            raise InvalidRequest("The label is not valid.", validation_errors(error)) from None
        old = rules.label_key(current.label_name)
        if rules.label_key(merged.label_name) != old and (await usage_counts(ctx)).get(old):
            raise Conflict(f"Label '{current.label_name}' is in use; it cannot be renamed.")
        return merged

    return await _with_usage(ctx, await crud.update(labels(ctx), id, "label", merge, if_match))


async def delete_label(ctx: Context, id: str, if_match: str | None) -> None:
    """Delete an unused label (409 while in use)."""
    deleted: list[Label] = []

    async def unused(label: Label) -> None:
        if (await usage_counts(ctx)).get(rules.label_key(label.label_name)):
            raise Conflict(f"Label '{label.label_name}' is in use.")
        deleted[:] = [label]

    await crud.delete(labels(ctx), id, "label", if_match, guard=unused)
    label = deleted[0]
    # A resource may have taken the label up between the check and the delete: put it back.
    if (await usage_counts(ctx)).get(rules.label_key(label.label_name)):
        await _create_quietly(ctx, label)
        raise Conflict(f"Label '{label.label_name}' is in use.")


async def register(ctx: Context, names: Iterable[str]) -> list[str]:
    """The registered spelling of each name, registering unknown ones (grey, firstSeen now).

    Called before a resource is written (to store the registered spelling) and again after
    (so a label deleted meanwhile is registered again)."""
    wanted = rules.unique_labels(names)
    if not wanted:
        return []
    known = {rules.label_key(v.item.label_name): v.item.label_name for v in await labels(ctx).list()}
    for name in wanted:
        key = rules.label_key(name)
        if key not in known:
            now = ctx.clock()
            created = await _create_quietly(ctx, Label(id=new_id(), label_name=name, first_seen=now, last_updated=now))
            known[key] = created or next((v.item.label_name for v in await labels(ctx).list()
                                          if rules.label_key(v.item.label_name) == key), name)
    return [known[rules.label_key(name)] for name in wanted]


async def _create_quietly(ctx: Context, label: Label) -> str | None:
    """Create the registration; None when another writer registered that name first."""
    try:
        return (await labels(ctx).create(label)).item.label_name
    except Conflict:
        return None
