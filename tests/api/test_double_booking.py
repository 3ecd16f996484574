"""No double booking under concurrency: parallel HTTP requests against the real stack."""

import itertools
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shared.demo import bank
from shared.models.common import format_utc as iso
from tests.utils.near_days import bookable_days, weekday_schedule
from tests.utils.tokens import bearer

_days = itertools.count()
RASMUS = bank.employee_named("Rasmus Christensen").id
ANNE = bank.employee_named("Anne Petersen").id
JESPER = bank.employee_named("Jesper Jørgensen").id
AAEN = next(r.id for r in bank.ROOMS if r.name == "Åen")


def new_day() -> datetime:
    return datetime(2047, 1, 6, tzinfo=UTC) + timedelta(days=next(_days))



def at_once(stack, requests: list[tuple[str, str, dict]]) -> list[int]:
    """Send every (method, path, body) at the same moment, each on its own connection."""
    start = threading.Barrier(len(requests))
    headers = bearer(stack.key_file, None)

    def send(request):
        method, path, body = request
        with httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=headers, timeout=60) as client:
            start.wait()
            return client.request(method, path, json=body).status_code

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))


def meeting(employee: str, start: datetime, hours: float = 1, **fields) -> dict:
    return {"bookedBy": "Employee", "salesforceId": "sf", "employeeId": employee, "customerId": "c",
            "type": "Physical", "startDate": iso(start), "endDate": iso(start + timedelta(hours=hours)), **fields}


def test_twenty_parallel_creates_of_one_employee_and_time_give_exactly_one_meeting(stack, api):
    start = new_day() + timedelta(hours=9)
    statuses = at_once(stack, [("POST", "/meetings", meeting(RASMUS, start)) for _ in range(20)])
    assert sorted(statuses) == [201] + [409] * 19
    listed = [m for m in api.get("/meetings", params={"employeeId": RASMUS}).json() if m["startDate"] == iso(start)]
    assert len(listed) == 1


def test_twenty_parallel_reserves_with_different_tokens_give_exactly_one_reservation(stack):
    start = new_day() + timedelta(hours=9)
    slot = {"startDate": iso(start), "endDate": iso(start + timedelta(hours=1)), "status": "Reserved",
            "employeeId": ANNE}
    statuses = at_once(stack, [("POST", "/time-slots/reserve", {"timeSlot": slot, "token": str(uuid.uuid4()),
                                                                "isCustomerInitiated": False})
                               for _ in range(20)])
    assert sorted(statuses) == [201] + [409] * 19


def test_parallel_overlapping_bookings_of_a_free_employee_at_different_times_all_fit_or_conflict(stack, api):
    # Twenty different half-hour steps of one-hour meetings: neighbours overlap, so the
    # winners must never overlap each other, whatever order the races end in.
    day = new_day()
    starts = [day + timedelta(hours=7, minutes=30 * i) for i in range(20)]
    statuses = at_once(stack, [("POST", "/meetings", meeting(JESPER, s)) for s in starts])
    assert set(statuses) <= {201, 409} and 201 in statuses
    booked = sorted(m["startDate"] for m in api.get("/meetings", params={"employeeId": JESPER}).json()
                    if m["startDate"][:10] == iso(day)[:10])
    assert len(booked) == statuses.count(201)
    instants = [datetime.fromisoformat(s.replace("Z", "+00:00")) for s in booked]
    assert all(b - a >= timedelta(hours=1) for a, b in itertools.pairwise(instants))


@pytest.mark.parametrize("round", range(5))
def test_two_overlapping_bookings_of_one_room_by_different_employees_give_one_meeting(stack, round):
    start = new_day() + timedelta(hours=10)
    statuses = at_once(stack, [
        ("POST", "/meetings", meeting(ANNE, start, roomId=AAEN)),
        ("POST", "/meetings", meeting(JESPER, start + timedelta(minutes=30), roomId=AAEN)),
    ])
    assert sorted(statuses) == [201, 409]


@pytest.fixture(scope="module")
def capped_employee(api):
    """An advisor whose schedule caps meeting time at 1.5 hours a day."""
    employee_id = str(uuid.uuid4())
    assert api.put(f"/employees/{employee_id}", json={"name": "Capped Advisor", "location": "AAR",
                                                      "email": "capped@nordhavnbank.example"}).status_code == 201
    response = api.post("/bookme/config/employee-schedules",
                        json=weekday_schedule(employee_id, location="AAR", maxMeetingTimePerDay="01:30:00"))
    assert response.status_code == 201, response.text
    return employee_id


@pytest.fixture(scope="module")
def customer_days(api):
    """Customers book only what the search offers (section 20): weekdays inside the booking horizon."""
    return bookable_days(api)


@pytest.mark.parametrize("round", range(5))
def test_racing_customer_bookings_over_the_daily_cap_never_both_succeed(stack, capped_employee, customer_days,
                                                                        round):
    day = next(customer_days)
    customer = {"bookedBy": "Customer"}
    statuses = at_once(stack, [
        ("POST", "/meetings", meeting(capped_employee, day + timedelta(hours=8), **customer)),
        ("POST", "/meetings", meeting(capped_employee, day + timedelta(hours=12), **customer)),
    ])
    assert sorted(statuses) == [201, 409]


def test_racing_reservation_and_booking_over_the_daily_cap_never_both_succeed(stack, capped_employee,
                                                                               customer_days):
    day = next(customer_days)
    slot = {"startDate": iso(day + timedelta(hours=8)), "endDate": iso(day + timedelta(hours=9)),
            "status": "Reserved", "employeeId": capped_employee}
    statuses = at_once(stack, [
        ("POST", "/time-slots/reserve", {"timeSlot": slot, "token": str(uuid.uuid4())}),
        ("POST", "/meetings", meeting(capped_employee, day + timedelta(hours=12), bookedBy="Customer")),
    ])
    assert sorted(statuses) == [201, 409]
