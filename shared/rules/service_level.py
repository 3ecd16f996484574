"""A service group's service level as measured (contract section 25; docs/api-decisions.md says
which bookings count and why). Pure.

A booking counts when it was made by a customer (`bookedBy` Customer or PortalCustomer) in the
window, its meeting still stands (a cancelled one leaves no meeting), and its employee is a
member of the group now and was already when it was booked. Its lead time runs from the moment
it was booked (`dateCreated`) to the meeting's start as it is now (a moved meeting counts with
its new time: when the customer is seen).
"""

import math
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from shared.models.common import parse_utc
from shared.models.groups import ServiceLevel
from shared.models.meetings import BookedBy
from shared.rules import moves
from shared.rules.timespan import format_timespan

CUSTOMER_BOOKINGS = (BookedBy.CUSTOMER.value, BookedBy.PORTAL_CUSTOMER.value)


def deciding_copies(documents: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """One copy per meeting: a meeting caught between the writes of a move to another day has two
    for a moment, and the one shared/rules/moves.py says decides is taken."""
    copies: dict[str, list[Mapping[str, Any]]] = {}
    for document in documents:
        copies.setdefault(document["id"], []).append(document)
    return [moves.current(found) for found in copies.values()]


def lead_times(documents: Iterable[Mapping[str, Any]], members_since: Mapping[str, datetime]) -> list[timedelta]:
    """The lead time of each booking that counts, sorted; `members_since` is when each member of
    the group became one (a query already chose the bookedBy values and the window)."""
    found = []
    for document in deciding_copies(documents):
        booked_at = parse_utc(document["dateCreated"])
        since = members_since.get(document["employeeId"])
        if document.get("bookedBy") in CUSTOMER_BOOKINGS and since is not None and since <= booked_at:
            found.append(parse_utc(document["startDate"]) - booked_at)
    return sorted(found)


def percentile(ordered: list[timedelta], share: float) -> timedelta:
    """Linear between the two nearest ranks (as spreadsheets' PERCENTILE.INC): the median is 0.5."""
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def whole_seconds(span: timedelta) -> timedelta:
    return timedelta(seconds=round(span.total_seconds()))


def measured(ordered: list[timedelta], level: ServiceLevel) -> dict[str, Any]:
    """The share of bookings within maxResponseTime, the median and the 90th percentile."""
    if not ordered:
        return {"bookings": 0, "withinMaxResponseTime": 0, "percentage": None, "meetsTarget": None,
                "medianLeadTime": None, "percentile90LeadTime": None}
    within = sum(1 for lead in ordered if lead <= level.max_response_time)
    share = within / len(ordered) * 100
    return {"bookings": len(ordered), "withinMaxResponseTime": within, "percentage": round(share, 2),
            "meetsTarget": share >= level.target_percentage,
            "medianLeadTime": format_timespan(whole_seconds(percentile(ordered, 0.5))),
            "percentile90LeadTime": format_timespan(whole_seconds(percentile(ordered, 0.9)))}


def target(level: ServiceLevel) -> dict[str, Any]:
    return {"maxResponseTime": format_timespan(level.max_response_time),
            "targetPercentage": level.target_percentage, "maxMeetingsPerDay": level.max_meetings_per_day}
