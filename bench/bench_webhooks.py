"""Webhook delivery through the local host: latency from the committed booking to the
receiver, what a subscription adds to a booking, what each retry costs, and what reading a
delivery's content through its reference costs.

    python -m bench.bench_webhooks [--bookings 200]

Starts its own stack (tests/utils/stack.py, no demo data) and a receiver on loopback, then
books one meeting at a time (each on its own day) in four phases:
  none       no subscription: the baseline booking;
  fast       one subscription, a receiver answering 204 at once: booking latency, and event
             latency = arrival at the receiver - the event's timestamp (taken at commit);
  down       the receiver refuses every request (503): bookings must not slow down; each
             retry's Cosmos requests and its delay against the schedule are measured while
             nothing else runs;
  slow       the receiver answers after longer than WEBHOOK_TIMEOUT: bookings must not slow down;
  reference  a queue message names the event in its outbox document: the sizes of the message and
             of that document, and the single-partition read each delivery makes of it, timed.
Cosmos requests are counted by the local Cosmos server. Writes .local/bench/webhooks.json.
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
from pathlib import Path

import httpx

from shared.models.common import parse_utc
from tests.utils.stack import start_stack, stop_stack, timer_schedules
from tests.utils.tokens import bearer
from tests.utils.webhook_receiver import ReceiverThread

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / ".local" / "bench" / "webhooks.json"
FIRST_DAY = datetime(2070, 1, 6, 9, tzinfo=UTC)
RETRY_WAIT = 2.0  # seconds, every step of the bench's retry schedule
EVENTS = ["meeting.created", "meeting.updated", "meeting.rescheduled", "meeting.cancelled"]


def ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1), "n": len(ordered)}


class Bench:
    def __init__(self, stack, receiver: ReceiverThread):
        self.api = httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=bearer(stack.key_file, None),
                                timeout=30)
        self.cosmos = stack.env["COSMOS_ENDPOINT"]
        self.receiver = receiver
        self.day = 0
        self.employee = str(uuid.uuid4())
        assert self.api.put(f"/employees/{self.employee}", json={"name": "Bench", "location": "CPH"}).is_success

    def cosmos_requests(self) -> int:
        return httpx.get(f"{self.cosmos}/_bookme/requests", verify=False).json()["requests"]

    def book(self, count: int) -> tuple[list[float], list[str]]:
        latencies, ids = [], []
        for _ in range(count):
            start = FIRST_DAY + timedelta(days=self.day)
            self.day += 1
            body = {"bookedBy": "Employee", "salesforceId": "bench", "employeeId": self.employee,
                    "customerId": "bench", "type": "Online", "startDate": start.isoformat(),
                    "endDate": (start + timedelta(hours=1)).isoformat()}
            started = time.perf_counter()
            response = self.api.post("/meetings", json=body)
            latencies.append(time.perf_counter() - started)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        return latencies, ids

    def subscribe(self) -> str:
        response = self.api.post("/bookme/config/webhooks", json={"url": self.receiver.url, "events": EVENTS})
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def unsubscribe(self, id: str) -> None:
        assert self.api.delete(f"/bookme/config/webhooks/{id}").status_code == 204


def run(stack, bookings: int) -> dict:
    receiver = ReceiverThread().start()
    bench = Bench(stack, receiver)
    bench.book(20)  # warm up the host, the connection pools and the Cosmos server
    results: dict = {}

    before = bench.cosmos_requests()
    latencies, _ = bench.book(bookings)
    results["none"] = {"booking": ms(latencies),
                       "cosmos_requests_per_booking": round((bench.cosmos_requests() - before) / bookings, 2)}

    subscription = bench.subscribe()
    before = bench.cosmos_requests()
    latencies, ids = bench.book(bookings)
    wanted = set(ids)
    got = receiver.wait_for(lambda r: len({x.payload["data"]["id"] for x in r} & wanted) == len(wanted))
    arrivals = [r.at - parse_utc(r.payload["timestamp"]).timestamp() for r in got if r.payload["data"]["id"] in wanted]
    per_delivery = (bench.cosmos_requests() - before) / bookings
    results["fast"] = {"booking": ms(latencies), "event_latency_commit_to_receiver": ms(arrivals),
                       "cosmos_requests_per_booking_and_delivery": round(per_delivery, 2),
                       # the pending entry's delete, the subscription and the outbox document read by the delivery
                       "cosmos_requests_a_delivery_adds": round(per_delivery - results["none"][
                           "cosmos_requests_per_booking"], 2)}

    receiver.receiver.failures = 10 ** 9  # from now on every request gets a 503
    latencies, ids = bench.book(bookings // 2)
    results["down"] = {"booking": ms(latencies)}
    time.sleep(RETRY_WAIT)
    attempts_before, before = receiver.receiver.attempts, bench.cosmos_requests()
    time.sleep(3 * RETRY_WAIT)  # only retries run now
    attempts, requests = receiver.receiver.attempts - attempts_before, bench.cosmos_requests() - before
    by_id: dict[str, list[float]] = defaultdict(list)
    for attempt in receiver.receiver.attempted:
        if attempt.refused:
            by_id[attempt.headers["webhook-id"]].append(attempt.at)
    gaps = [b - a - RETRY_WAIT for times in by_id.values() for a, b in zip(times, times[1:], strict=False)]
    results["down"]["retry"] = {"attempts_measured": attempts,
                                "cosmos_requests_per_retry": round(requests / attempts, 2),
                                "delay_beyond_schedule": ms(gaps),
                                "same_webhook_id_on_every_retry": all(len(t) > 1 for t in by_id.values())}
    bench.unsubscribe(subscription)
    time.sleep(2 * RETRY_WAIT)  # the queued retries find the subscription gone and stop

    receiver.receiver.failures, receiver.receiver.stall = receiver.receiver.attempts + 10 ** 9, 5.0
    subscription = bench.subscribe()
    latencies, _ = bench.book(bookings // 2)
    results["slow"] = {"booking": ms(latencies)}
    bench.unsubscribe(subscription)
    receiver.close()
    results["reference"] = asyncio.run(reference_cost(stack, ids[0]))
    return results


async def reference_cost(stack, meeting_id: str, reads: int = 200) -> dict:
    """What a delivery pays for carrying a reference: one single-partition read of the outbox document."""
    from shared.bootstrap import build_runtime
    from shared.rules.messaging import Reference
    from shared.rules.webhooks import delivery_messages
    from shared.settings import Settings

    runtime = build_runtime(Settings(**{k: v for k, v in stack.env.items() if k in Settings.model_fields}))
    try:
        bookings = runtime.context.bookings
        (meeting,) = await bookings.find(meeting_id, ["meeting"])
        # Every outbox document expires before the year 3000: the cleanup's query finds them all.
        outbox = next(d for d in await bookings.expired_outbox(datetime(3000, 1, 1, tzinfo=UTC))
                      if d.get("meetingId") == meeting_id)
        (message,) = delivery_messages(Reference(outbox["pk"], outbox["id"]), outbox["webhookEvents"],
                                       [("subscription", EVENTS)])
        timings = []
        for _ in range(reads):
            started = time.perf_counter()
            await bookings.day(outbox["pk"], [outbox["id"]])
            timings.append(time.perf_counter() - started)
        stored = {k: v for k, v in outbox.items() if not k.startswith("_")}
        return {"message_bytes": len(json.dumps(message).encode()),
                "outbox_document_bytes": len(json.dumps(stored, ensure_ascii=False).encode()),
                "meeting_document_bytes": len(json.dumps(meeting, ensure_ascii=False).encode()),
                "outbox_read": ms(timings)}
    finally:
        await runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bookings", type=int, default=200)
    args = parser.parse_args()
    schedule = ",".join(["00:00:02"] * 9)  # the most a schedule may have: ten attempts
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp), {"BOOKME_DEMO_DATA": "false", **timer_schedules("0 0 0 1 1 *"),
                                        "WEBHOOK_RETRY_SCHEDULE": schedule, "WEBHOOK_TIMEOUT": "00:00:02"})
        try:
            results = run(stack, args.bookings)
        finally:
            stop_stack(stack)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
