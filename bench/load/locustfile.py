"""What the users of `make load` do (bench/load/run.py starts it; loopback only).

A customer searches for time with an advisor, sometimes asks why there is none, reserves a
slot the search offers and books it; advisors reschedule and cancel what was booked; portals
and tools read configuration. Every answer's status and time is recorded per operation and
written to LOAD_RECORD when the run ends, with the meetings booked and cancelled, for the
consistency scan.
"""

import json
import os
import random
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from locust import HttpUser, between, events, task

BASE = "/api/v3/bookme"
ADVISORS: list[str] = json.loads(os.environ.get("LOAD_ADVISORS", "[]"))
HEADERS = {"Authorization": os.environ.get("LOAD_AUTHORIZATION", "")}
RECORD = os.environ.get("LOAD_RECORD", "")

_lock = threading.Lock()
statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
timings: dict[str, list[float]] = defaultdict(list)
booked: list[str] = []
cancelled: list[str] = []
explain_answers = {"checked": False, "available": False}


@events.request.add_listener
def _recorded(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    with _lock:
        statuses[name][status] += 1
        timings[name].append(response_time)


@events.quitting.add_listener
def _write_record(environment, **kwargs):
    if RECORD:
        with open(RECORD, "w", encoding="utf-8") as out:
            json.dump({"statuses": statuses, "timings": timings, "booked": booked, "cancelled": cancelled,
                       "explain": explain_answers["available"]}, out)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class BankUser(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.client.headers.update(HEADERS)
        self.mine: list[str] = []
        with _lock:
            first = not explain_answers["checked"]
            explain_answers["checked"] = True
        if first:
            # The explain endpoint is being built elsewhere: in the mix only where it answers.
            answer = self.client.get(f"{BASE}/time-slots/available/explain", params=self._search_params(),
                                     name="explain (probe)")
            explain_answers["available"] = answer.status_code == 200

    def _search_params(self) -> dict:
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        return {"explicitEmployeeIds": random.sample(ADVISORS, k=min(2, len(ADVISORS))),
                "employeeTypes": "Explicit", "requireEmployeeParticipation": "false", "isCustomerInitiated": "true",
                "startDate": _iso(start), "lookForwardTime": "14.00:00:00", "meetingDuration": "01:00:00"}

    def _search(self) -> list[dict]:
        with self.client.get(f"{BASE}/time-slots/available", params=self._search_params(), name="search",
                             catch_response=True) as answer:
            if answer.status_code == 200:
                answer.success()
                return answer.json()
            answer.failure(f"search answered {answer.status_code}")
        return []

    @task(30)
    def search(self) -> None:
        self._search()

    @task(5)
    def explain(self) -> None:
        if explain_answers["available"]:
            self.client.get(f"{BASE}/time-slots/available/explain", params=self._search_params(), name="explain")

    @task(20)
    def reserve_and_book(self) -> None:
        slots = self._search()
        if not slots:
            return
        chosen = random.choice(slots[: max(1, len(slots) // 4)])  # customers take the early times
        with self.client.post(f"{BASE}/time-slots/reserve", name="reserve", catch_response=True, json={
                "timeSlot": {"startDate": chosen["startDate"], "endDate": chosen["endDate"], "status": "Reserved",
                             "employeeId": chosen["employeeId"]}, "token": str(uuid.uuid4())}) as held:
            if held.status_code in (201, 409):
                held.success()  # 409: another customer took it first
            if held.status_code != 201:
                return
        time.sleep(random.uniform(0.1, 0.5))  # the customer fills in the form
        with self.client.post(f"{BASE}/meetings", name="book from reservation", catch_response=True, json={
                "timeSlotId": held.json()["id"], "bookedBy": "Customer", "salesforceId": "sf-load",
                "employeeId": chosen["employeeId"], "customerId": f"cust-{uuid.uuid4().hex[:12]}",
                "type": chosen["meetingType"], "title": "Rådgivning"}) as answer:
            if answer.status_code == 201:
                answer.success()
                self.mine.append(answer.json()["id"])
                with _lock:
                    booked.append(answer.json()["id"])

    @task(8)
    def reschedule(self) -> None:
        if not self.mine:
            return
        meeting_id = random.choice(self.mine)
        slots = self._search()
        if not slots:
            return
        chosen = random.choice(slots)
        with self.client.patch(f"{BASE}/meetings/{meeting_id}", name="reschedule", catch_response=True, json=[
                {"op": "replace", "path": "/startDate", "value": chosen["startDate"]},
                {"op": "replace", "path": "/endDate", "value": chosen["endDate"]},
                {"op": "replace", "path": "/employeeId", "value": chosen["employeeId"]}]) as answer:
            if answer.status_code in (200, 409):
                answer.success()  # 409: the time went to someone else meanwhile

    @task(5)
    def cancel(self) -> None:
        if not self.mine:
            return
        meeting_id = self.mine.pop(random.randrange(len(self.mine)))
        with self.client.delete(f"{BASE}/meetings/{meeting_id}", name="cancel", catch_response=True) as answer:
            if answer.status_code == 204:
                answer.success()
                with _lock:
                    cancelled.append(meeting_id)

    @task(6)
    def read_meeting(self) -> None:
        if self.mine:
            self.client.get(f"{BASE}/meetings/{random.choice(self.mine)}", name="read meeting")

    @task(15)
    def config_reads(self) -> None:
        path, name = random.choice([
            ("/bookme/config/organization-settings", "config: organization settings"),
            ("/bookme/config/locations", "config: locations"),
            ("/meeting-topics?isCustomer=true", "config: meeting topics"),
            ("/employees", "config: employees"),
            ("/bookme/config/employee-schedules", "config: employee schedules"),
        ])
        self.client.get(f"{BASE}{path}", name=name)
