"""Busy time for availability: the calendar documents of many resources over many days,
read in one query (see docs/data-model.md, "Bookings")."""

from collections.abc import Iterable
from typing import Any

from azure.cosmos.aio import ContainerProxy

from shared.adapters.cosmos import PAGE_SIZE, cosmos_call


async def calendar_entries(container: ContainerProxy, resources: Iterable[str] | None, first_day: str,
                           last_day: str) -> dict[str, list[dict[str, Any]]]:
    """Entries per resource ("employee:<id>", "room:<id>") on the days first_day..last_day;
    resources None means every resource."""
    sql = ("SELECT c.resource, c.entries FROM c WHERE c.type = 'calendar' "
           "AND c.pk >= @first AND c.pk <= @last")
    parameters: list[dict[str, Any]] = [{"name": "@first", "value": first_day}, {"name": "@last", "value": last_day}]
    if resources is not None:
        sql += " AND ARRAY_CONTAINS(@resources, c.resource)"
        parameters.append({"name": "@resources", "value": sorted(set(resources))})
    found: dict[str, list[dict[str, Any]]] = {}
    with cosmos_call():
        async for document in container.query_items(sql, parameters=parameters, max_item_count=PAGE_SIZE):
            found.setdefault(document["resource"], []).extend(document.get("entries") or [])
    return found
