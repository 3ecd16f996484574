"""Cost of record keeping and personal-data erasure against the local Cosmos API server.

    python -m bench.bench_erasure [--meetings 200] [--days 4]

Starts its own emulators, books meetings of one customer through the meetings service (so
each carries its history), then measures: the stored size of a meeting after N changes,
Cosmos requests per create / patch / cancel, reading a history, erasing the customer (and
erasing again), and one retention run. Writes .local/bench/erasure.json.
"""

import argparse
import asyncio
import dataclasses
import json
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / ".local" / "bench" / "erasure.json"
FIRST_DAY = datetime(2061, 1, 5, 8, tzinfo=UTC)


class Counting:
    """The booking store, counting requests (a batch is one request)."""

    def __init__(self, inner):
        self._inner = inner
        self.requests = 0
        self.batches: list[int] = []

    def __getattr__(self, name):
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        async def counted(*args, **kwargs):
            self.requests += 1
            if name == "commit":
                self.batches.append(len(args[1]))
            return await attribute(*args, **kwargs)

        return counted


class Quiet:
    async def publish(self, messages):
        pass


async def measure(meetings_count: int, days: int) -> dict:
    from shared.adapters.cosmos import ensure_layout
    from shared.bootstrap import build_runtime
    from shared.demo.config_groups import PORTAL
    from shared.models.directory import Employee
    from shared.models.meetings import MeetingCreate
    from shared.services import directory, meeting_history, meetings, organization, personal_data, portals
    from shared.settings import Settings
    from tools import localstack

    settings = Settings(**localstack.emulator_settings(), COSMOS_DATABASE=f"bench-{uuid.uuid4().hex[:6]}")
    await ensure_layout(settings)
    runtime = build_runtime(settings)
    counting = Counting(runtime.context.bookings)
    ctx = dataclasses.replace(runtime.context, bookings=counting, publisher=Quiet())
    await organization.current_settings(ctx)
    await portals.portals(ctx).create(PORTAL)
    per_day = -(-meetings_count // days)
    advisors = [str(uuid.uuid4()) for _ in range(per_day)]
    for n, id in enumerate(advisors):
        await directory.employees(ctx).create(Employee(id=id, name=f"Advisor {n}", email=f"a{n}@bank.example"))

    def body(n: int) -> MeetingCreate:
        start = FIRST_DAY + timedelta(days=n // per_day)
        return MeetingCreate.model_validate({
            "bookedBy": "PortalPartner", "portalId": PORTAL.id, "salesforceId": "sf", "customerId": "bench",
            "employeeId": advisors[n % per_day], "type": "Online", "startDate": start.isoformat(),
            "endDate": (start + timedelta(hours=1)).isoformat(), "cpr": "311299-9876", "description": "Loan",
            "customFields": [{"key": "phone", "value": "+4512345678"}, {"key": "email", "value": "k@example.com"}],
            "externalAttendees": [{"name": "Gæst", "email": "g@example.com"}]})

    ids = []
    counting.requests = 0
    for n in range(meetings_count):
        ids.append((await meetings.create_meeting(ctx, body(n), actor="bench")).item.id)
    create_requests = counting.requests / meetings_count

    sizes = {}
    doc = (await counting.find(ids[0], ["meeting"]))[0]
    sizes[0] = len(json.dumps(doc))
    counting.requests = 0
    for change in range(1, 21):
        await meetings.patch_meeting(ctx, ids[0], [{"op": "replace", "path": "/title", "value": f"Title {change}"},
                                                   {"op": "replace", "path": "/description",
                                                    "value": f"Plans {change}"}], None, actor="bench")
        if change in (1, 5, 20):
            sizes[change] = len(json.dumps((await counting._inner.find(ids[0], ["meeting"]))[0]))
    patch_requests = counting.requests / 20

    counting.requests = 0
    started = time.perf_counter()
    records = await meeting_history.history(ctx, ids[0])
    history_ms, history_requests = (time.perf_counter() - started) * 1000, counting.requests

    counting.requests, counting.batches = 0, []
    started = time.perf_counter()
    erased = await personal_data.erase_customer(ctx, "bench", "bench")
    erase_ms, erase_requests, batches = (time.perf_counter() - started) * 1000, counting.requests, [*counting.batches]
    counting.requests = 0
    started = time.perf_counter()
    again = await personal_data.erase_customer(ctx, "bench", "bench")
    again_ms, again_requests = (time.perf_counter() - started) * 1000, counting.requests

    counting.requests = 0
    await meetings.cancel_meeting(ctx, ids[1], None, actor="bench")
    cancel_requests = counting.requests

    later = dataclasses.replace(ctx, clock=lambda: FIRST_DAY + timedelta(days=days + 400))
    counting.requests = 0
    started = time.perf_counter()
    retained = await personal_data.erase_expired(later)
    retention_ms, retention_requests = (time.perf_counter() - started) * 1000, counting.requests
    await runtime.close()
    return {
        "meetings": meetings_count, "days": days,
        "bookingsRequestsPerCreate": create_requests, "bookingsRequestsPerPatch": patch_requests,
        "bookingsRequestsPerCancel": cancel_requests,
        "meetingDocumentBytesAfterChanges": sizes, "historyRecords": len(records),
        "historyReadMs": round(history_ms, 1), "historyReadRequests": history_requests,
        "eraseCustomer": {"meetingsErased": erased.meetings_erased, "ms": round(erase_ms, 1),
                          "requests": erase_requests, "batchSizes": batches},
        "eraseAgain": {"meetingsErased": again.meetings_erased, "ms": round(again_ms, 1), "requests": again_requests},
        "retentionRunAfterErasure": {"erased": retained, "ms": round(retention_ms, 1),
                                     "requests": retention_requests},
    }


def main() -> None:
    from tools import localstack

    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--days", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        processes = localstack.start_emulators_for_tests(Path(tmp))
        try:
            result = asyncio.run(measure(args.meetings, args.days))
        finally:
            localstack.stop(processes)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
