"""Booking throughput through the local host, Cosmos requests per booking, and a scan for
double bookings afterwards.

    python -m bench.bench_booking [--clients 1,8,32] [--bookings 192] [--rounds 24]

Starts its own stack (tests/utils/stack.py) without demo data and with the cleanup timer
idle, seeds advisors and rooms through the app's own stores, then per client count runs:
  distinct   every booking its own advisor and day: no two requests touch one calendar;
  hot        every booking the same advisor and day at different times: all fit, but the
             writers race for one calendar document (ETag retries);
  contended  every client books the same advisor and time at once, round after round:
             exactly one wins each round, the others get 409.
Cosmos requests are counted by the local Cosmos server (every document request of the
host) and, split by container, in-process with a counting client. Writes
.local/bench/booking.json.
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import httpx

from bench.counting import counting_runtime
from tests.utils.stack import start_stack, stop_stack, timer_schedules
from tests.utils.tokens import bearer

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / ".local" / "bench" / "booking.json"
ADVISORS = 256
FIRST_DAY = datetime(2060, 1, 5, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def meeting(employee_id: str, start: datetime, minutes: int = 30) -> dict:
    return {"bookedBy": "Employee", "salesforceId": "bench", "employeeId": employee_id, "customerId": "bench",
            "type": "Online", "startDate": iso(start), "endDate": iso(start + timedelta(minutes=minutes))}


async def seed(ctx, advisors: list[str]) -> None:
    from shared.models.directory import Employee
    from shared.services import directory, organization

    await organization.current_settings(ctx)
    limit = asyncio.Semaphore(32)

    async def create(n: int, id: str) -> None:
        async with limit:
            employee = Employee(id=id, name=f"Advisor {n}", email=f"advisor{n}@bank.example")
            await directory.employees(ctx).create(employee)

    await asyncio.gather(*(create(n, id) for n, id in enumerate(advisors)))


def cosmos_requests(endpoint: str) -> int:
    return httpx.get(f"{endpoint}/_bookme/requests", verify=False).json()["requests"]


async def run(base_url: str, headers: dict, clients: int, rounds: list[list[dict]]) -> dict:
    """Send each round's bodies with `clients` concurrent workers; rounds run one after another."""
    latencies: list[float] = []
    statuses: dict[int, int] = defaultdict(int)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=120, limits=limits) as client:
        async def send(body: dict) -> None:
            started = time.perf_counter()
            response = await client.post("/meetings", json=body)
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] += 1

        started = time.perf_counter()
        for bodies in rounds:
            async def worker(queue: list[dict]) -> None:
                while queue:
                    await send(queue.pop())

            queue = list(bodies)
            await asyncio.gather(*(worker(queue) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    booked = statuses.get(201, 0)
    return {
        "requests": len(latencies), "booked": booked, "statuses": dict(sorted(statuses.items())),
        "seconds": round(elapsed, 3), "bookings_per_s": round(booked / elapsed, 1),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
    }


def scenarios(advisors: list[str], clients: int, bookings: int, rounds: int, day_offset: int) -> dict[str, list]:
    day = FIRST_DAY + timedelta(days=day_offset)
    distinct = [meeting(advisors[i % len(advisors)], day + timedelta(days=1 + i // len(advisors), hours=9))
                for i in range(bookings)]
    hot_advisor = advisors[clients % len(advisors)]
    # 30-minute meetings from 00:00 local on: 40 fit one day; more spill to the next days.
    hot = [meeting(hot_advisor, day + timedelta(days=10 + i // 40, minutes=30 * (i % 40) - 60))
           for i in range(min(bookings, 120))]
    contended_advisor = advisors[(clients + 1) % len(advisors)]
    contended = [[meeting(contended_advisor, day + timedelta(days=20, minutes=30 * r - 60))] * clients
                 for r in range(rounds)]
    return {"distinct": [distinct], "hot": [hot], "contended": contended}


async def per_booking_split(settings, advisors: list[str], day: datetime) -> dict:
    """Cosmos requests of one booking, split by container, counted in-process."""
    from shared import kinds
    from shared.models.meetings import MeetingCreate
    from shared.models.reservations import ReserveRequest
    from shared.models.schedules import EmployeeSchedule
    from shared.services import idempotency, meetings, reservations

    runtime = counting_runtime(settings)
    ctx, seen = runtime.context, runtime.seen

    def split() -> dict[str, int]:
        counts = {"bookings": sum("/colls/bookings/" in url for url in seen),
                  "config": sum("/colls/config/" in url for url in seen)}
        counts["total"] = len(seen)
        seen.clear()
        return counts

    try:
        await meetings.create_meeting(ctx, MeetingCreate.model_validate(meeting(advisors[0], day - timedelta(days=1))))
        for advisor in advisors[2:4]:  # customers book only what the search offers: these two work every weekday
            await ctx.store(kinds.EMPLOYEE_SCHEDULE).create(EmployeeSchedule.model_validate({
                "id": str(uuid.uuid4()), "employeeId": advisor, "workdays": [
                    {"dayOfWeek": d, "from": "06:00:00", "to": "20:00:00",
                     "availableMeetingTypes": [{"type": "Online"}]}
                    for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")]}))
        split()  # warm the SDK's caches
        results: dict[str, list[dict]] = defaultdict(list)
        for n, near in zip(range(5), weekdays_ahead(), strict=False):
            start = day + timedelta(days=n, hours=9)
            booked = await meetings.create_meeting(ctx, MeetingCreate.model_validate(meeting(advisors[1], start)))
            results["employee booking, explicit times"].append(split())
            later = start + timedelta(hours=1)
            await meetings.patch_meeting(ctx, booked.item.id, retimed(later), None)
            results["change within the day (new time)"].append(split())
            await meetings.patch_meeting(ctx, booked.item.id, retimed(later + timedelta(days=30)), None)
            results["move to another day"].append(split())
            await meetings.cancel_meeting(ctx, booked.item.id, None)
            results["cancellation"].append(split())
            body = meeting(advisors[1], start + timedelta(hours=4))
            raw = json.dumps(body).encode()

            def keyed(keep, body=body):
                return meetings.create_meeting(ctx, MeetingCreate.model_validate(body), keep=keep)

            await idempotency.run(ctx, "bench", "POST /meetings", f"key-{n}", raw, 201, keyed)
            results["employee booking with Idempotency-Key"].append(split())
            await idempotency.run(ctx, "bench", "POST /meetings", f"key-{n}", raw, 201, keyed)
            results["replay of a keyed booking"].append(split())
            customer_start = near + timedelta(hours=10)
            await meetings.create_meeting(ctx, MeetingCreate.model_validate(
                {**meeting(advisors[3], customer_start), "bookedBy": "Customer"}))
            results["customer booking, explicit times (offered-slot check)"].append(split())
            held = await reservations.reserve(ctx, ReserveRequest.model_validate({"timeSlot": {
                "startDate": iso(customer_start + timedelta(hours=2)),
                "endDate": iso(customer_start + timedelta(hours=3)),
                "status": "Reserved", "employeeId": advisors[2]}, "token": str(uuid.uuid4())}))
            results["reservation (customer: cap and offered-slot check)"].append(split())
            await meetings.create_meeting(ctx, MeetingCreate.model_validate({
                **meeting(advisors[2], start), "bookedBy": "Customer", "startDate": None, "endDate": None,
                "timeSlotId": held.item.id}))
            results["customer booking from reservation (with cap)"].append(split())
        return {name: {key: statistics.mean(r[key] for r in runs) for key in runs[0]} for name, runs in results.items()}
    finally:
        await runtime.close()


def retimed(start: datetime) -> list[dict]:
    """The JSON Patch that gives a meeting a new half hour at `start`."""
    return [{"op": "replace", "path": "/startDate", "value": iso(start)},
            {"op": "replace", "path": "/endDate", "value": iso(start + timedelta(minutes=30))}]


def weekdays_ahead():
    """Midnight UTC of the weekdays from three days ahead: inside the default booking horizon."""
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=3)
    while True:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


async def double_bookings(settings) -> dict:
    """Scan every meeting: overlaps per employee (primary or additional) and per room."""
    from shared.adapters.cosmos import connect
    from shared.adapters.cosmos_layout import BOOKINGS

    account = connect(settings)
    try:
        held: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        count = 0
        async for doc in account.container(BOOKINGS.name).query_items("SELECT * FROM c WHERE c.type = 'meeting'"):
            count += 1
            for resource in {doc["employeeId"], *doc.get("additionalEmployees", []), doc.get("roomId")} - {None}:
                held[resource].append((doc["startDate"], doc["endDate"], doc["id"]))
        overlaps = 0
        for intervals in held.values():
            for (_, end, first), (start, _, second) in pairwise(sorted(intervals)):
                if start < end and first != second:
                    overlaps += 1
        return {"meetings_scanned": count, "double_bookings": overlaps}
    finally:
        await account.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--bookings", type=int, default=192, help="bookings per distinct and hot scenario")
    parser.add_argument("--rounds", type=int, default=24, help="rounds of the contended scenario")
    args = parser.parse_args()
    client_counts = [int(c) for c in args.clients.split(",")]
    advisors = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"bench-advisor-{n}")) for n in range(ADVISORS)]
    results: dict = {"setup": {"advisors": ADVISORS, "bookings": args.bookings, "rounds": args.rounds}, "runs": {}}
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp), {"BOOKME_DEMO_DATA": "false", **timer_schedules("0 0 0 1 1 *")})
        try:
            from shared.settings import Settings

            settings = Settings(**{k: v for k, v in stack.env.items() if k in Settings.model_fields})

            async def seed_all() -> None:
                from shared.bootstrap import build_runtime

                runtime = build_runtime(settings)
                try:
                    await seed(runtime.context, advisors)
                finally:
                    await runtime.close()

            asyncio.run(seed_all())
            endpoint = stack.env["COSMOS_ENDPOINT"]
            base_url, headers = f"{stack.base_url}/v3/bookme", bearer(stack.key_file)
            asyncio.run(run(base_url, headers, 1, [[meeting(advisors[-1], FIRST_DAY - timedelta(days=1, hours=-9))]]))
            for index, clients in enumerate(client_counts):
                plans = scenarios(advisors, clients, args.bookings, args.rounds, day_offset=100 * (index + 1))
                for name, rounds in plans.items():
                    before = cosmos_requests(endpoint)
                    measured = asyncio.run(run(base_url, headers, clients, rounds))
                    requests = cosmos_requests(endpoint) - before
                    measured["cosmos_requests_per_booking"] = round(requests / max(measured["booked"], 1), 2)
                    measured["cosmos_requests_per_request"] = round(requests / measured["requests"], 2)
                    results["runs"][f"{name}, {clients} clients"] = measured
                    print(f"{name:9} {clients:3} clients  {measured['bookings_per_s']:7} bookings/s  "
                          f"p50 {measured['p50_ms']:7} ms  p99 {measured['p99_ms']:7} ms  "
                          f"{measured['cosmos_requests_per_booking']:5} Cosmos req/booking  {measured['statuses']}")
            results["cosmos_requests_in_process"] = asyncio.run(
                per_booking_split(settings, advisors, FIRST_DAY + timedelta(days=900)))
            for name, counts in results["cosmos_requests_in_process"].items():
                print(f"{name:56} {counts}")
            results["scan"] = asyncio.run(double_bookings(settings))
            print(f"scan: {results['scan']}")
        finally:
            stop_stack(stack)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, indent=2))
    print(f"written to {OUTPUT.relative_to(ROOT)}")
    if results["scan"]["double_bookings"]:
        raise SystemExit("double bookings found")


if __name__ == "__main__":
    main()
