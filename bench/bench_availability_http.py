"""GET /time-slots/available through the local host on a generated bank of 1,000 advisors:
latency, and Cosmos DB requests per call counted by the local Cosmos server; and the capacity
report over all 1,000 advisors and 30 days (contract section 25) against a customer search of
that size.

    python -m bench.bench_availability_http [--runs N]

Starts its own stack (tests/utils/stack.py), seeds the bank through the ctx's own stores,
and writes .local/bench/availability_http.json.
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bench.bench_availability import cases as engine_cases
from bench.generate_bank import ZONE, Bank, generate_bank
from shared.models.common import format_utc
from shared.models.directory import Employee, MeetingTopic
from shared.models.groups import CompetenceGroupWrite
from shared.models.schedules import DayOfWeek, EmployeeSchedule
from shared.rules.timespan import format_timespan
from tests.utils.stack import start_stack, stop_stack, timer_schedules
from tests.utils.tokens import bearer

ROOT = Path(__file__).resolve().parents[1]
TOPIC_ID = "5d3c0d1e-7c1b-4e47-9a51-2f8a2d6b9c10"
EVERYONE_ID = "0f6a6f4e-2b0d-4c53-8e0b-6c2f3b9a7d11"  # a competence group of all 1,000 advisors
REPORT_TARGET = 1.5
REPORT_REQUESTS_TARGET = 4


def _shift(bank: Bank) -> timedelta:
    """Whole weeks that move the bank's 'now' just past the real now (weekdays kept)."""
    weeks = (datetime.now(UTC) - bank.now).days // 7 + 1
    return timedelta(weeks=weeks)


async def seed(ctx, bank: Bank, shift: timedelta) -> None:
    from shared import kinds
    from shared.models.groups import CompetenceGroupDoc, Membership
    from shared.ports import Op
    from shared.rules.booking import employee_calendar
    from shared.rules.calendar_documents import CALENDAR_DOC
    from shared.services import directory, groups, schedules

    limit = asyncio.Semaphore(32)

    async def bounded(coroutine):
        async with limit:
            return await coroutine

    zone = ZoneInfo(ZONE)
    days = list(DayOfWeek)
    await asyncio.gather(*(bounded(directory.employees(ctx).create(
        Employee(id=a.employee_id, name=f"Advisor {n}", email=f"advisor{n}@bank.example")))
        for n, a in enumerate(bank.advisors)))
    await asyncio.gather(*(bounded(schedules.schedules(ctx).create(EmployeeSchedule.model_validate({
        "id": a.employee_id, "employeeId": a.employee_id, "canBeBooked": a.can_be_booked,
        "isOnlyExplicitlyAvailable": a.only_explicitly_available,
        "maxMeetingTimePerDay": format_timespan(a.daily_cap),
        "workdays": [{"dayOfWeek": days[w.day_of_week].value, "from": w.start.strftime("%H:%M:%S"),
                      "to": w.end.strftime("%H:%M:%S"), "location": w.location, "isAvailable": w.is_available,
                      "availableMeetingTypes": [{"type": t.value} for t in w.meeting_types]} for w in a.workdays],
    }))) for a in bank.advisors))
    await directory.topics(ctx).create(MeetingTopic(id=TOPIC_ID, name="Benchmark topic",
                                                    meeting_duration=timedelta(hours=1)))
    await groups.create_competence_group(ctx, CompetenceGroupWrite(
        name="Benchmark specialists", employee_ids=bank.topic_advisor_ids, topic_ids=[TOPIC_ID]))
    await ctx.store(kinds.COMPETENCE_GROUP).create(CompetenceGroupDoc(
        id=EVERYONE_ID, name="Benchmark everyone", memberships=[
            Membership(employee_id=a.employee_id, date_assigned=bank.now) for a in bank.advisors]))
    calendars: dict[tuple[str, str], list[dict]] = {}
    for advisor in bank.advisors:
        for busy in advisor.busy:
            start, end = busy.start + shift, busy.end + shift
            day = start.astimezone(zone).date().isoformat()
            calendars.setdefault((advisor.employee_id, day), []).append({
                "ref": f"bench-{len(calendars)}-{start.timestamp()}", "kind": "meeting" if not busy.expires_at
                else "reservation", "start": format_utc(start), "end": format_utc(end),
                "expiresAt": format_utc(busy.expires_at + shift) if busy.expires_at else None, "token": None,
                "countsTowardCap": busy.counts_toward_cap})
    def calendar(employee_id: str, day: str, entries: list[dict]) -> Op:
        resource = employee_calendar(employee_id)
        return Op("upsert", resource, {"id": resource, "pk": day, "type": CALENDAR_DOC, "resource": resource,
                                       "day": day, "entries": entries})

    await asyncio.gather(*(bounded(ctx.bookings.commit(day, [calendar(employee_id, day, entries)]))
                           for (employee_id, day), entries in calendars.items()))


def cosmos_requests(endpoint: str) -> int:
    return httpx.get(f"{endpoint}/_bookme/requests", verify=False).json()["requests"]


def measure(client: httpx.Client, endpoint: str, params: dict, runs: int, path: str = "/time-slots/available",
            count=len) -> dict:
    client.get(path, params=params).raise_for_status()  # warm the SDK's caches
    before = cosmos_requests(endpoint)
    seconds, found = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, params=params)
        seconds.append(time.perf_counter() - started)
        response.raise_for_status()
        found = count(response.json())
    return {"median_ms": round(statistics.median(seconds) * 1000, 1), "p_max_ms": round(max(seconds) * 1000, 1),
            "cosmos_requests_per_call": (cosmos_requests(endpoint) - before) / runs, "slots": found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bank = generate_bank()
    shift = _shift(bank)
    with tempfile.TemporaryDirectory() as tmp:
        # Rare timer schedules, so background queries do not mix into the request counts.
        stack = start_stack(Path(tmp), {"BOOKME_DEMO_DATA": "false", **timer_schedules("0 0 3 1 1 *")})
        try:
            from shared.bootstrap import build_runtime
            from shared.settings import Settings

            async def seed_all() -> None:
                settings = Settings(**{k: v for k, v in stack.env.items() if k in Settings.model_fields})
                runtime = build_runtime(settings)
                try:
                    await seed(runtime.context, bank, shift)
                finally:
                    await runtime.close()

            started = time.perf_counter()
            asyncio.run(seed_all())
            print(f"seeded {len(bank.advisors)} advisors in {time.perf_counter() - started:.1f} s")
            start = format_utc(bank.now + shift)
            topic_ids = bank.topic_advisor_ids
            # The engine benchmark's three colleagues who all take online meetings.
            joint = next(c for c in engine_cases(bank) if c.query.require_all).query.explicit_ids
            base = {"startDate": start, "requireEmployeeParticipation": "false", "employeeTypes": "Explicit",
                    "meetingDuration": "01:00:00"}
            cases = {
                "1 advisor, 14 days": {**base, "explicitEmployeeIds": topic_ids[0], "lookForwardTime": "14.00:00:00"},
                "topic: 50 advisors, 14 days": {**base, "topic": TOPIC_ID, "lookForwardTime": "14.00:00:00"},
                "all 1,000 advisors, 30 days": {**base, "lookForwardTime": "30.00:00:00"},
                "require all: 3 advisors, 30 days": {**base, "requireEmployeeParticipation": "true",
                                                     "explicitEmployeeIds": ",".join(joint),
                                                     "lookForwardTime": "30.00:00:00"},
                "customer: all 1,000 advisors, 30 days": {**base, "isCustomerInitiated": "true",
                                                          "lookForwardTime": "30.00:00:00"},
            }
            endpoint = stack.env["COSMOS_ENDPOINT"]
            results = {}
            with httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=bearer(stack.key_file),
                              timeout=120) as client:
                for name, params in cases.items():
                    runs = max(1, args.runs // 2) if "1,000" in name else args.runs
                    results[name] = measure(client, endpoint, params, runs)
                    print(f"{name:36} {json.dumps(results[name])}")
                # The capacity report of the same size: every advisor, the 30 local days from the search's start.
                first = (bank.now + shift).astimezone(ZoneInfo(ZONE)).date()
                report = {"competenceGroupId": EVERYONE_ID, "from": first.isoformat(),
                          "to": (first + timedelta(days=29)).isoformat()}
                name = "capacity report: all 1,000 advisors, 30 days"
                results[name] = measure(client, endpoint, report, max(1, args.runs // 2), "/reports/capacity",
                                        lambda found: found["totals"]["slots"])
                search = results["customer: all 1,000 advisors, 30 days"]
                results[name]["ratio_to_search"] = round(results[name]["median_ms"] / search["median_ms"], 2)
                print(f"{name:36} {json.dumps(results[name])}")
                print(f"capacity report / customer search: {results[name]['ratio_to_search']}x (target at most "
                      f"{REPORT_TARGET}x); Cosmos requests {results[name]['cosmos_requests_per_call']} (target at "
                      f"most {REPORT_REQUESTS_TARGET})")
        finally:
            stop_stack(stack)
    out = ROOT / ".local" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "availability_http.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
