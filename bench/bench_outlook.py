"""The advisors' Outlook calendars (contract section 23) through the local host and the Graph
stand-in, with the demo bank (outlookSync TwoWay):

    python -m bench.bench_outlook [--samples 20]

1. Outlook to search: an event created in an advisor's mailbox (a plain Graph POST) until the
   slot is gone from /time-slots/available (target p95 under 15 s).
2. Booking to Outlook: a booking until its event is in the advisor's calendar view (target p95
   under 5 s).
3. Cosmos DB requests of a search and of bookings, with Outlook time in the calendars and TwoWay,
   against the same with outlookSync Off (counted in-process, so the Outlook workers' own
   requests are apart); and the Outlook workers' requests per booking (counted by the server).
4. A 30-minute Graph outage on a compressed clock (the outage, every wait of
   OUTLOOK_RETRY_SCHEDULE and the 15-minute reconciliation divided by 60): Graph answers 503 and
   loses its notifications while bookings are made and advisors add events in Outlook;
   afterwards every meeting's event exists exactly once and every Outlook event blocks the search.

Writes .local/bench/outlook.json.
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import httpx

from bench.counting import counting_runtime
from shared.demo.bank import EMPLOYEES, employee_named
from tests.utils.stack import start_stack, stop_stack
from tests.utils.tokens import bearer

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / ".local" / "bench" / "outlook.json"
ZONE = ZoneInfo("Europe/Copenhagen")
# Demo advisors who offer Online meetings on every weekday, 09:00 to 14:00 at least.
ADVISORS = [employee_named(n) for n in ("Mette Nielsen", "Lars Jensen", "Camilla Andersen", "Anne Petersen",
                                        "Henrik Olsen", "Emma Møller", "Louise Rasmussen", "Katrine Poulsen")]
COMPRESSION = 60
OUTAGE = timedelta(minutes=30)
RETRIES = "00:00:05,00:00:30,00:02:00,00:05:00,00:15:00,00:30:00"


def compressed(schedule: str) -> str:
    waits = []
    for part in schedule.split(","):
        h, m, s = (float(x) for x in part.split(":"))
        seconds = (h * 3600 + m * 60 + s) / COMPRESSION
        waits.append(f"00:{int(seconds // 60):02d}:{seconds % 60:06.3f}")
    return ",".join(waits)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def local(day: datetime, hour: float) -> datetime:
    return (datetime(day.year, day.month, day.day, tzinfo=ZONE) + timedelta(hours=hour)).astimezone(UTC)


def weekdays(api: httpx.Client, first: int = 3):
    closed = {d[:10] for d in api.get("/bookme/config/organization-settings").json()["closingDays"]}
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=first)
    while True:
        if day.weekday() < 5 and day.date().isoformat() not in closed:
            yield day
        day += timedelta(days=1)


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"p50_s": round(statistics.median(ordered), 3),
            "p95_s": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3),
            "max_s": round(ordered[-1], 3), "samples": len(ordered)}


def wait_for(check, timeout: float, poll: float = 0.05) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if check():
            return time.perf_counter() - started
        time.sleep(poll)
    raise TimeoutError(f"not within {timeout} s")


class Bench:
    def __init__(self, stack) -> None:
        self.stack = stack
        self.api = httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=bearer(stack.key_file), timeout=60)
        self.graph = httpx.Client(base_url=stack.graph_url, headers={"Authorization": "Bearer bench"}, timeout=60)
        origin = urlparse(stack.graph_url)
        self.control = httpx.Client(base_url=f"{origin.scheme}://{origin.netloc}/_control", timeout=60)

    def offered(self, advisor, day: datetime) -> set[str]:
        answer = self.api.get("/time-slots/available", params={
            "explicitEmployeeIds": advisor.id, "employeeTypes": "Explicit", "requireEmployeeParticipation": "false",
            "meetingTypes": "Online", "startDate": iso(day), "lookForwardTime": "1.00:00:00",
            "isCustomerInitiated": "false"})
        return {slot["startDate"] for slot in answer.json()} if answer.status_code == 200 else set()

    def add_event(self, advisor, start: datetime, in_outlook: bool = False) -> None:
        """An event made through Graph, or (`in_outlook`) in Outlook itself, which a Graph outage does not stop."""
        wall = start.astimezone(ZONE)
        body = {"subject": "Bench", "showAs": "busy",
                "start": {"dateTime": wall.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "Europe/Copenhagen"},
                "end": {"dateTime": (wall + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%S"),
                        "timeZone": "Europe/Copenhagen"}}
        client, path = (self.control, f"/users/{advisor.email}/events") if in_outlook else \
            (self.graph, f"/users/{advisor.email}/events")
        assert client.post(path, json=body).status_code == 201

    def events(self, advisor, day: datetime) -> list[dict] | None:
        answer = self.graph.get(f"/users/{advisor.email}/calendarView", params={
            "startDateTime": iso(day), "endDateTime": iso(day + timedelta(days=1)), "$top": 200})
        return answer.json()["value"] if answer.status_code == 200 else None

    def book(self, advisor, start: datetime, meeting_type: str = "Online") -> str:
        answer = self.api.post("/meetings", json={
            "bookedBy": "Employee", "salesforceId": "bench", "customerId": "bench", "type": meeting_type,
            "employeeId": advisor.id, "startDate": iso(start), "endDate": iso(start + timedelta(minutes=30))})
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]

    def followed(self) -> None:
        wait_for(lambda: len(self.control.get("/stats").json()["subscriptions"]) >= len(EMPLOYEES), 60, 0.2)

    def outlook_to_search(self, days, samples: int) -> dict:
        latencies = []
        for n in range(samples):
            advisor, day = ADVISORS[n % len(ADVISORS)], next(days)
            start = local(day, 10)
            wait_for(lambda: iso(start) in self.offered(advisor, day), 10)  # noqa: B023
            self.add_event(advisor, start)
            latencies.append(wait_for(lambda: iso(start) not in self.offered(advisor, day), 30))  # noqa: B023
        return percentiles(latencies)

    def booking_to_outlook(self, days, samples: int) -> dict:
        latencies, booking_s = [], []
        for n in range(samples):
            advisor, day = ADVISORS[n % len(ADVISORS)], next(days)
            started = time.perf_counter()
            meeting_id = self.book(advisor, local(day, 13))
            booking_s.append(time.perf_counter() - started)
            wait = wait_for(lambda: bool(self.events(advisor, day)), 30)  # noqa: B023
            latencies.append(wait + booking_s[-1])
            assert meeting_id
        return {**percentiles(latencies), "booking_answer": percentiles(booking_s)}

    def outage(self, days) -> dict:
        """Bookings and Outlook events while Graph is down for OUTAGE/COMPRESSION, then the drain."""
        seconds = OUTAGE.total_seconds() / COMPRESSION
        # Graph answers 503 to everything, and its notifications of the changes made meanwhile are lost.
        self.control.post("/faults", json={"unavailable": {"seconds": seconds}, "loseNotifications": True})
        started = time.perf_counter()
        booked: list[tuple] = []
        made: list[tuple] = []
        answers = []
        slots_a_day = len(ADVISORS) * 6  # each advisor 09:00 to 11:30, every half hour
        day = next(days)
        while time.perf_counter() - started < seconds - 2:
            n = len(booked) % slots_a_day
            if n == 0 and booked:
                day = next(days)
            advisor, slot = ADVISORS[n % len(ADVISORS)], local(day, 9 + 0.5 * (n // len(ADVISORS)))
            t = time.perf_counter()
            booked.append((advisor, day, slot, self.book(advisor, slot, "Physical" if n % 2 else "Online")))
            answers.append(time.perf_counter() - t)
            if len(made) < len(booked) // 4:
                self.add_event(advisor, slot + timedelta(hours=5), in_outlook=True)
                made.append((advisor, day, slot + timedelta(hours=5)))
            time.sleep(0.5)
        outage_over = started + seconds
        time.sleep(max(outage_over - time.perf_counter(), 0))
        self.control.post("/faults", json={"loseNotifications": False})

        expected: dict[tuple[str, datetime], int] = {}
        by_id = {advisor.id: advisor for advisor in ADVISORS}
        for advisor, day, _, _ in booked:
            expected[(advisor.id, day)] = expected.get((advisor.id, day), 0) + 1

        def ours(advisor_id: str, day: datetime) -> int | None:
            found = self.events(by_id[advisor_id], day)
            return None if found is None else sum((e.get("transactionId") or "").startswith("bookme-") for e in found)

        def drained() -> bool:
            return all((ours(*key) or 0) >= count for key, count in expected.items()) and \
                all(iso(s) not in self.offered(a, d) for a, d, s in made)

        drain = wait_for(drained, 600, 0.5)
        time.sleep(2)
        counted = {key: ours(*key) or 0 for key in expected}
        duplicates = sum(max(counted[key] - count, 0) for key, count in expected.items())
        lost = sum(max(count - counted[key], 0) for key, count in expected.items())
        stats = self.control.get("/stats").json()
        return {"outage_s": seconds, "compressed_from_minutes": OUTAGE.total_seconds() / 60,
                "bookings": len(booked), "outlook_events_made": len(made), "booking_answer": percentiles(answers),
                "drained_s_after_outage": round(drain, 1), "lost": lost, "duplicated": duplicates,
                "graph_refused_503": stats["unavailable"], "graph_deduplicated_posts": stats["deduplicated"]}


async def cosmos_requests(settings, day: datetime) -> dict:
    """Requests of a search and of bookings, counted in-process: TwoWay with Outlook time, and Off."""
    from shared.models.meetings import MeetingCreate
    from shared.models.organization import OutlookSync
    from shared.models.time_slots import AvailableSlotsQuery
    from shared.services import crud, meetings, organization, slot_search

    runtime = counting_runtime(settings)
    ctx, seen = runtime.context, runtime.seen
    mette = employee_named("Mette Nielsen")
    query = AvailableSlotsQuery.model_validate({
        "explicitEmployeeIds": [mette.id], "employeeTypes": ["Explicit"], "requireEmployeeParticipation": False,
        "meetingTypes": ["Online"], "startDate": iso(day), "lookForwardTime": "1.00:00:00"})

    async def counted(work) -> int:
        seen.clear()
        await work
        return len(seen)

    async def round_of(setting: OutlookSync, hour: float) -> dict:
        settings_doc = await organization.current_settings(ctx)
        await crud.update(organization.settings_store(ctx), settings_doc.item.id, "settings",
                          lambda s: s.model_copy(update={"outlook_sync": setting}))
        await slot_search.available_slots(ctx, query)  # warm
        found = {"search": await counted(slot_search.available_slots(ctx, query))}

        def body(booked_by: str, at: float) -> MeetingCreate:
            return MeetingCreate.model_validate({
                "bookedBy": booked_by, "salesforceId": "bench", "customerId": "bench", "type": "Online",
                "employeeId": mette.id, "startDate": iso(local(day, at)), "endDate": iso(local(day, at + 0.5))})

        found["employee booking"] = await counted(meetings.create_meeting(ctx, body("Employee", hour)))
        found["customer booking"] = await counted(meetings.create_meeting(ctx, body("Customer", hour + 1)))
        return found

    try:
        return {"TwoWay, with Outlook time": await round_of(OutlookSync.TWO_WAY, 11),
                "Off": await round_of(OutlookSync.OFF, 13.5)}
    finally:
        settings_doc = await organization.current_settings(ctx)
        await crud.update(organization.settings_store(ctx), settings_doc.item.id, "settings",
                          lambda s: s.model_copy(update={"outlook_sync": OutlookSync.TWO_WAY}))
        await runtime.close()


def server_requests(stack) -> int:
    return httpx.get(f"{stack.cosmos_direct}/_bookme/requests", verify=False).json()["requests"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        # Reconciliation every 15 minutes and the retry waits, divided by COMPRESSION like the outage.
        stack = start_stack(Path(tmp), {"OUTLOOK_SUBSCRIPTIONS_SCHEDULE": "*/1 * * * * *",
                                        "OUTLOOK_RECONCILE_SCHEDULE": "*/15 * * * * *",
                                        "OUTLOOK_RETRY_SCHEDULE": compressed(RETRIES),
                                        "RESERVATION_CLEANUP_SCHEDULE": "*/10 * * * * *"})
        try:
            bench = Bench(stack)
            bench.followed()
            days = weekdays(bench.api)
            results["outlook_to_search"] = bench.outlook_to_search(days, args.samples)
            print(f"Outlook event to search: {results['outlook_to_search']}")
            before = server_requests(stack)
            results["booking_to_outlook"] = bench.booking_to_outlook(days, args.samples)
            time.sleep(3)  # the Teams link's change of each meeting settles
            results["booking_to_outlook"]["cosmos_requests_per_booking_all_workers"] = round(
                (server_requests(stack) - before) / args.samples, 1)
            print(f"Booking to Outlook: {results['booking_to_outlook']}")
            from shared.settings import Settings

            settings = Settings(**{k: v for k, v in stack.env.items() if k in Settings.model_fields})
            day = next(weekdays(bench.api))  # near enough for a customer booking; Mette is free there but at 10:00
            mette = employee_named("Mette Nielsen")
            bench.add_event(mette, local(day, 9))
            wait_for(lambda: iso(local(day, 9)) not in bench.offered(mette, day), 30)
            results["cosmos_requests"] = asyncio.run(cosmos_requests(settings, day))
            print(f"Cosmos DB requests (in-process): {results['cosmos_requests']}")
            results["outage"] = bench.outage(days)
            print(f"Graph outage of 30 min (compressed {COMPRESSION}x): {results['outage']}")
        finally:
            stop_stack(stack)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps({"at": datetime.now(UTC).isoformat(), **results}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
