"""What one booking change writes beside the meeting: its outbox document and pending entry,
against the meeting's own JSON size, for 0, 1 and 100 webhook subscribers.

    python -m bench.bench_outbox_sizes

Runs the booking service over the in-memory fakes (tests/utils/fakes.py) with the queue down, so
the pending entry stays to be counted: a typical portal booking, and one with the most people the
model allows (51 employees and 100 external attendees with 200-character names, 100 Email fields,
a 4,000-character description, a 2,000-character video link; about half the 400 KiB a meeting may
take), created and then rescheduled with every external attendee replaced. Sizes are of the JSON
as the Cosmos SDK sends it. Writes .local/bench/outbox_sizes.json.
"""

import asyncio
import json
import logging
import uuid
from datetime import timedelta
from pathlib import Path

from shared import kinds
from shared.models.directory import Employee
from shared.models.portals import Portal
from shared.models.webhooks import StoredWebhook
from shared.services import meetings
from tests.utils.booking_builders import meeting_request, tomorrow_at
from tests.utils.fakes import fake_context

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / ".local" / "bench" / "outbox_sizes.json"
EVENTS = ["meeting.created", "meeting.updated", "meeting.rescheduled", "meeting.cancelled"]


def size(document: dict) -> int:
    return len(json.dumps({k: v for k, v in document.items() if not k.startswith("_")}).encode())


def written(ctx, known: set[str]) -> int:
    return sum(size(d) for d in ctx.bookings.all() if d["type"] in ("outbox", "outboxPending") and d["id"] not in known)


async def measure(subscribers: int, largest: bool) -> dict:
    ctx = fake_context(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True)
    ctx.publisher.failing = True
    for _ in range(subscribers):
        await ctx.store(kinds.WEBHOOK).create(StoredWebhook.model_validate({
            "id": str(uuid.uuid4()), "url": "https://crm.bank.example/hook", "events": EVENTS,
            "secret": "whsec_" + "A" * 32}))
    long = "æ"
    employees = []
    for n in range(51 if largest else 1):
        employees.append(str(uuid.uuid4()))
        await ctx.store(kinds.EMPLOYEE).create(Employee(
            id=employees[-1], name=long * 200 if largest else "Mette Nielsen",
            email=f"{'a' * 240}{n:03d}@bank.dk" if largest else "mette@bank.example", location="CPH-HQ"))
    fields = [{"name": f"E{n}", "type": "Email"} for n in range(100 if largest else 1)]
    portal = Portal.model_validate({"id": str(uuid.uuid4()), "name": "P", "icalEnabled": True, "fields": fields})
    await ctx.store(kinds.PORTAL).create(portal)

    def attendees(letter: str) -> list[dict]:
        if not largest:
            return [{"name": "Gæst", "email": f"{letter}@example.com"}]
        return [{"name": long * 200, "email": f"{letter * 240}{n:03d}@d.dk"} for n in range(100)]

    body = {"bookedBy": "PortalPartner", "portalId": portal.id, "cpr": "311299-9876",
            "additionalEmployees": employees[1:], "title": long * 500 if largest else "Pension",
            "description": long * 4000 if largest else "Loan talk",
            "videoLink": "https://v.example/" + "x" * 1980 if largest else "https://v.example/1",
            "customFields": [{"key": f"E{n}", "value": f"{'k' * 240}{n:03d}@c.dk" if largest
                              else "kunde@example.com"} for n in range(len(fields))],
            "externalAttendees": attendees("g")}
    start = tomorrow_at(ctx, 9)
    meeting = (await meetings.create_meeting(ctx, meeting_request(employees[0], start, **body))).item
    created = written(ctx, set())
    known = {d["id"] for d in ctx.bookings.all()}
    later = start + timedelta(hours=2)
    await meetings.patch_meeting(ctx, meeting.id, [
        {"op": "replace", "path": "/startDate", "value": later.isoformat()},
        {"op": "replace", "path": "/endDate", "value": (later + timedelta(hours=1)).isoformat()},
        {"op": "replace", "path": "/externalAttendees", "value": attendees("h")}], None)
    meeting_bytes = size(meeting.to_json())
    moved = written(ctx, known)
    return {"meeting_bytes": meeting_bytes,
            "create_bytes": created, "create_per_meeting": round(created / meeting_bytes, 2),
            "reschedule_bytes": moved, "reschedule_per_meeting": round(moved / meeting_bytes, 2)}


async def run() -> dict:
    return {f"{'largest' if largest else 'typical'}, {subscribers} subscriber(s)": await measure(subscribers, largest)
            for largest in (False, True) for subscribers in (0, 1, 100)}


def main() -> None:
    logging.disable(logging.WARNING)  # the queue is down on purpose
    results = asyncio.run(run())
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
