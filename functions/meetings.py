"""/meetings: book, read, list, patch (RFC 6902), cancel, and the iCal invitation."""

from dataclasses import replace

import azure.functions as func
from pydantic import Field

from functions.http import Reply, keyed_reply, next_page_url, quote_etag
from functions.request_parsing import parse_body
from functions.routing import Call, RouteGroup
from shared import telemetry
from shared.auth import Role
from shared.bootstrap import get_context
from shared.models.common import ApiModel, UtcDateTime, Uuid
from shared.models.history import HistoryRecord
from shared.models.meetings import IcalRequest, Meeting, MeetingCreate, MeetingListItem
from shared.ports import MeetingFilters
from shared.rules import paging
from shared.rules.cpr_access import check_patch_reads, shown_to
from shared.rules.patching import JsonPatch
from shared.services import idempotency, meeting_history, meetings

group = RouteGroup("meetings", "meetings")


class MeetingQuery(ApiModel):
    time_slot_id: Uuid | None = Field(default=None, description="Only the meeting booked from this reservation.")
    employee_id: Uuid | None = Field(default=None, description="Only meetings of this employee, as the primary or "
                                                               "an additional employee.")
    start_date_modified: UtcDateTime | None = Field(default=None, description=(
        "Only meetings changed at or after this instant, ISO 8601 (without an offset it is UTC)."))
    end_date_modified: UtcDateTime | None = Field(default=None, description=(
        "Only meetings changed at or before this instant, ISO 8601."))
    continuation_token: str | None = Field(
        None, max_length=200, description="Where the page starts: taken from the `Link` header's "
        "`rel=\"next\"` URL of the previous page, never built by hand.")
    page_size: int = Field(paging.PAGE_LIMIT, ge=1, le=paging.PAGE_LIMIT,
                           description=f"At most this many meetings in the answer (1 to {paging.PAGE_LIMIT}).")


@group.get(query=MeetingQuery, response=list[MeetingListItem],
           description=f"Ordered by `startDate`, then `id`, at most {paging.PAGE_LIMIT} a page. When more "
                       "match, the `Link` header gives the next page: `<url>; rel=\"next\"`.")
async def list_meetings(call: Call):
    """List meetings; employeeId matches the primary or an additional employee. No CPR numbers."""
    q = call.query
    filters = MeetingFilters(q.time_slot_id, q.employee_id, q.start_date_modified, q.end_date_modified)
    page = await meetings.list_meetings(await get_context(), filters, q.continuation_token, q.page_size)
    headers = {"Link": f'<{next_page_url(call.request.url, page.next_token)}>; rel="next"'} if page.next_token else {}
    return Reply(page.items, headers=headers)


@group.get("{id}", response=Meeting)
async def get_meeting(call: Call):
    """Get one meeting. `cpr` only for BookMe.Admin or BookMe.PersonalData, else null."""
    return shown_to(await meetings.get_meeting(await get_context(), call.params["id"]), call.principal.roles)


@group.post(body=MeetingCreate, response=Meeting, status=201, idempotent=True)
async def create_meeting(call: Call):
    """Book a meeting from a reservation (timeSlotId) or from startDate and endDate. Accepts Idempotency-Key."""
    ctx = await get_context()
    answer = await idempotency.run(
        ctx, call.principal.subject, "POST /meetings", call.idempotency_key, call.request.get_body(), 201,
        lambda keep: meetings.create_meeting(ctx, call.body, actor=call.principal.subject, keep=keep))
    if not answer.replayed:
        telemetry.count("bookme.bookings", action="created", booked_by=call.body.booked_by.value)
    return keyed_reply(replace(answer, body=shown_to(answer.body, call.principal.roles)))


@group.patch("{id}", body=JsonPatch, response=Meeting, idempotent=True)
async def patch_meeting(call: Call):
    """Change a meeting with JSON Patch; time, employee and room changes are checked for conflicts.
    Accepts Idempotency-Key. Reading `/cpr` (test, or copy/move from it) needs BookMe.Admin or
    BookMe.PersonalData."""
    check_patch_reads(call.body, call.principal.roles)
    ctx, id = await get_context(), call.params["id"]
    answer = await idempotency.run(
        ctx, call.principal.subject, f"PATCH /meetings/{id}", call.idempotency_key, call.request.get_body(), 200,
        lambda keep: meetings.patch_meeting(ctx, id, call.body, call.if_match, actor=call.principal.subject,
                                            keep=keep))
    if not answer.replayed:
        telemetry.count("bookme.bookings", action="updated")
    return keyed_reply(replace(answer, body=shown_to(answer.body, call.principal.roles)))


@group.delete("{id}", status=204)
async def cancel_meeting(call: Call):
    """Cancel a meeting: its time is free again."""
    await meetings.cancel_meeting(await get_context(), call.params["id"], call.if_match, actor=call.principal.subject)
    telemetry.count("bookme.bookings", action="cancelled")


@group.post("{id}/ical", response=str)
async def meeting_ical(call: Call):
    """The meeting as an RFC 5545 invitation; the body (optional) overrides title, description, location."""
    overrides = parse_body(call.request, IcalRequest) if (call.request.get_body() or b"").strip() else IcalRequest()
    octets, etag = await meetings.meeting_ical(await get_context(), call.params["id"], overrides)
    return func.HttpResponse(octets, status_code=200, mimetype="text/calendar", charset="utf-8",
                             headers={"ETag": quote_etag(etag),
                                      "Content-Disposition": f'attachment; filename="{call.params["id"]}.ics"'})


@group.get("{id}/history", role=Role.ADMIN, response=list[HistoryRecord], versions=("v3",))
async def get_meeting_history(call: Call):
    """Every change of the meeting, oldest first; still readable after the meeting was cancelled."""
    return await meeting_history.history(await get_context(), call.params["id"])
