"""/config/labels (V3): the label registry, with fuzzy search and autocomplete."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.labels import (
    LabelListQuery,
    LabelPage,
    LabelPatch,
    LabelRegistration,
    LabelSearchQuery,
    LabelSearchResult,
    LabelSuggestion,
    LabelSuggestQuery,
    LabelWrite,
)
from shared.services import labels

group = RouteGroup("labels", "config/labels", versions=("v3",))


@group.get(query=LabelListQuery, response=LabelPage)
async def list_labels(call: Call):
    """List labels by name, one page at a time."""
    return await labels.list_labels(await get_context(), call.query)


@group.get("search", query=LabelSearchQuery, response=list[LabelSearchResult])
async def search_labels(call: Call):
    """Fuzzy search labels by name, best match first."""
    return await labels.search_labels(await get_context(), call.query)


@group.get("suggest", query=LabelSuggestQuery, response=list[LabelSuggestion])
async def suggest_labels(call: Call):
    """Autocomplete label names from a prefix, most used first."""
    return await labels.suggest_labels(await get_context(), call.query)


@group.get("{id}", response=LabelRegistration)
async def get_label(call: Call):
    """Get one label with its usage count."""
    return await labels.get_label(await get_context(), call.params["id"])


@group.post(role=Role.CONFIG, body=LabelWrite, response=LabelRegistration, status=201)
async def create_label(call: Call):
    """Register a label; names are unique ignoring case."""
    return Reply(await labels.create_label(await get_context(), call.body), 201)


@group.patch("{id}", role=Role.CONFIG, body=LabelPatch, response=LabelRegistration)
async def update_label(call: Call):
    """Merge the given fields into a label (a JSON object, not JSON Patch)."""
    return await labels.update_label(await get_context(), call.params["id"], call.body, call.if_match)


@group.delete("{id}", role=Role.CONFIG, status=204)
async def delete_label(call: Call):
    """Delete a label that no resource carries."""
    await labels.delete_label(await get_context(), call.params["id"], call.if_match)
