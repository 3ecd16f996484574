"""Builders for Outlook time and Graph events in tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

from shared.models.common import format_utc
from shared.ports import Op
from shared.rules import outlook_blocks

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def graph_event(id: str, start: datetime, end: datetime, show_as: str | None = "busy", **fields) -> dict:
    """An event as Graph's delta query returns it, times in UTC (BookMe asks for UTC)."""
    event = {"@odata.type": "#microsoft.graph.event", "id": id, "type": "singleInstance",
             "subject": "Private: not for BookMe", "start": {"dateTime": format_utc(start)[:-1] + "0000",
                                                              "timeZone": "UTC"},
             "end": {"dateTime": format_utc(end)[:-1] + "0000", "timeZone": "UTC"}, "isAllDay": False,
             "isCancelled": False, "transactionId": None, **fields}
    if show_as is not None:
        event["showAs"] = show_as
    return event


async def put_outlook_time(ctx, employee_id: str, *events: dict, zone=COPENHAGEN) -> None:
    """Outlook time as the sync writes it: one document per local day, beside the employee's calendar."""
    found = [block for event in events for block in outlook_blocks.blocks(event, zone)]
    for day, entries in outlook_blocks.entries_by_day(found).items():
        document = outlook_blocks.document(employee_id, day, entries)
        await ctx.bookings.commit(day, [Op("upsert", document["id"], document)])
