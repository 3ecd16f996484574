"""Bookings while Cosmos DB throttles, fails, moves partitions and loses answers.

A stack of its own talks to the Cosmos API server through tools/faultproxy.py. For a few
seconds many clients book, reserve, book from reservations, reschedule and cancel on a few
advisors' busy day while the proxy answers 429, 503, 410 or nothing to a share of document
requests, and loses the answer to some writes it did apply. Then, with the faults off:
no answer is a 5xx other than a 503 problem+json with Retry-After, every 201 is really
saved and every 503 really is not, nobody is double-booked, and every saved booking's
invitation (and every cancellation) arrives by mail.
"""

import random
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from icalendar import Calendar

from shared.models.common import format_utc
from tests.utils.stack import start_stack, stop_stack
from tests.utils.tokens import bearer
from tools.faultproxy import FaultProxy, Faults

FAULT_SECONDS = 12
CLIENTS = 8
ADVISORS = 3
FAULTS = Faults(throttle=0.3, unavailable=0.1, gone=0.03, timeout=0.02, lost_answer=0.05, lost_timeout=0.02,
                hold_seconds=4)
# The SDK gives up on a held request after this many seconds (the proxy holds FAULTS.hold_seconds).
REQUEST_TIMEOUT = "3"


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    proxies: list[FaultProxy] = []

    def front(upstream: str) -> str:
        proxies.append(FaultProxy(upstream, Faults(), seed=12).start())
        return proxies[0].endpoint

    stack = start_stack(tmp_path_factory.mktemp("faulty-stack"), {"COSMOS_REQUEST_TIMEOUT": REQUEST_TIMEOUT},
                        cosmos_front=front)
    yield stack, proxies[0]
    stop_stack(stack)
    proxies[0].stop()


@dataclass
class Outcomes:
    """What the clients were told, in order per meeting."""

    answers: list[httpx.Response] = field(default_factory=list)
    booked: dict[str, str] = field(default_factory=dict)  # customerId of each booking attempt -> status
    meetings: dict[str, dict] = field(default_factory=dict)  # id -> what the last success says it is
    cancelled: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, response: httpx.Response) -> httpx.Response:
        with self.lock:
            self.answers.append(response)
        return response


def slot(day: datetime, rng: random.Random) -> dict:
    start = day + timedelta(hours=8, minutes=30 * rng.randrange(14))
    return {"startDate": format_utc(start), "endDate": format_utc(start + timedelta(hours=1))}


def client_loop(stack, advisors: list[str], day: datetime, seed: int, deadline: float, seen: Outcomes) -> None:
    rng = random.Random(seed)
    mine: list[str] = []
    with httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=bearer(stack.key_file, None),
                      timeout=60) as api:
        while time.monotonic() < deadline:
            advisor, customer = rng.choice(advisors), f"cust-{uuid.uuid4()}"
            action = rng.random()
            body = {"bookedBy": "Employee", "salesforceId": "sf-fault", "employeeId": advisor,
                    "customerId": customer, "type": "Online", **slot(day, rng)}
            if action < 0.25 and mine:
                meeting_id = rng.choice(mine)
                times = slot(day, rng)
                patch = [{"op": "replace", "path": f"/{k}", "value": v} for k, v in times.items()]
                answer = seen.record(api.patch(f"/meetings/{meeting_id}", json=patch))
                if answer.status_code == 200:
                    seen.meetings[meeting_id] = answer.json()
                continue
            if action < 0.32 and mine:
                meeting_id = mine.pop(rng.randrange(len(mine)))
                answer = seen.record(api.delete(f"/meetings/{meeting_id}"))
                if answer.status_code == 204:
                    seen.cancelled.add(meeting_id)
                else:
                    mine.append(meeting_id)
                continue
            if action < 0.62:
                held = seen.record(api.post("/time-slots/reserve", json={
                    "timeSlot": {"startDate": body["startDate"], "endDate": body["endDate"], "status": "Reserved",
                                 "employeeId": advisor}, "token": str(uuid.uuid4()), "isCustomerInitiated": False}))
                if held.status_code != 201:
                    continue
                body = {**body, "timeSlotId": held.json()["id"]}
                del body["startDate"], body["endDate"]
            answer = seen.record(api.post("/meetings", json=body))
            seen.booked[customer] = answer.status_code
            if answer.status_code == 201:
                seen.meetings[answer.json()["id"]] = answer.json()
                mine.append(answer.json()["id"])


def new_advisor(api) -> str:
    employee_id = str(uuid.uuid4())
    email = f"fault-{employee_id[:8]}@nordhavnbank.example"
    assert api.put(f"/employees/{employee_id}", json={"name": "Rådgiver Fejl", "email": email}).status_code == 201
    return employee_id


def mails_by_uid(stack) -> dict[str, set[str]]:
    """The iCal METHODs received per event UID."""
    found: dict[str, set[str]] = defaultdict(set)
    for message in list(stack.mail.messages):
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                calendar = Calendar.from_ical(part.get_payload(decode=True))
                found[str(calendar.walk("VEVENT")[0]["UID"])].add(str(calendar["METHOD"]))
    return found


def test_under_faults_answers_are_true_and_nothing_is_half_done_double_booked_or_unsent(faulty):
    stack, proxy = faulty
    api = httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=bearer(stack.key_file, None), timeout=60)
    advisors = [new_advisor(api) for _ in range(ADVISORS)]
    day = datetime(2047, 1, 7, tzinfo=UTC) + timedelta(days=random.randrange(300))
    seen = Outcomes()

    proxy.faults = FAULTS
    deadline = time.monotonic() + FAULT_SECONDS
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            for future in [pool.submit(client_loop, stack, advisors, day, n, deadline, seen) for n in range(CLIENTS)]:
                future.result()
    finally:
        proxy.faults = Faults()

    statuses = defaultdict(int)
    for answer in seen.answers:
        statuses[answer.status_code] += 1
        if answer.status_code >= 500:
            assert answer.status_code == 503, answer.text
            assert int(answer.headers["Retry-After"]) >= 1
            assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert statuses[201] > 0 and sum(proxy.counts[f] for f in ("lost_answer", "lost_timeout")) > 0, \
        f"the faults did not bite: {dict(statuses)} {proxy.counts}"

    stored = {}
    for advisor in advisors:
        listed = api.get("/meetings", params={"employeeId": advisor})
        assert listed.status_code == 200
        for item in listed.json():
            stored[item["id"]] = api.get(f"/meetings/{item['id']}").json()
    saved_customers = {m["customerId"] for m in stored.values()} | \
        {seen.meetings[id]["customerId"] for id in seen.cancelled}
    for customer, status in seen.booked.items():
        assert (customer in saved_customers) == (status == 201), f"a booking answered {status} is wrong"
    for meeting_id, last_answer in seen.meetings.items():
        if meeting_id in seen.cancelled:
            assert meeting_id not in stored, "a cancellation answered 204 did not happen"
        else:
            assert (stored[meeting_id]["startDate"], stored[meeting_id]["endDate"]) == \
                (last_answer["startDate"], last_answer["endDate"]), "a change answered 503 or 409 happened"

    for advisor in advisors:
        spans = sorted((m["startDate"], m["endDate"]) for m in stored.values() if m["employeeId"] == advisor)
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start, f"advisor {advisor} is double-booked"

    wanted = {f"{id}@bookme": ({"REQUEST", "CANCEL"} if id in seen.cancelled else {"REQUEST"})
              for id in seen.meetings}
    patience = time.monotonic() + 45
    while time.monotonic() < patience and any(not methods <= mails_by_uid(stack).get(uid, set())
                                              for uid, methods in wanted.items()):
        time.sleep(0.5)
    received = mails_by_uid(stack)
    lost = [uid for uid, methods in wanted.items() if not methods <= received.get(uid, set())]
    assert lost == [], f"notifications lost for {lost}"
