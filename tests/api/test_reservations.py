"""POST /time-slots/reserve over real HTTP: tokens, conflicts, rescheduling, the daily cap, errors."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared.demo import bank
from shared.models.common import format_utc as iso
from tests.utils.near_days import bookable_days, weekday_schedule

# Days of their own, far ahead, so no other test module or the demo data shares them.
_days = itertools.count()
ANNA = bank.employee_named("Camilla Andersen").id
BO = bank.employee_named("Mikkel Sørensen").id
HAVNEN = next(r.id for r in bank.ROOMS if r.name == "Havnen")


def new_day() -> datetime:
    return datetime(2040, 1, 2, tzinfo=UTC) + timedelta(days=next(_days))



def slot(day: datetime, start_hour: float, hours: float = 1, **fields) -> dict:
    start = day + timedelta(hours=start_hour)
    return {"startDate": iso(start), "endDate": iso(start + timedelta(hours=hours)), "status": "Reserved", **fields}


def reserve(client, time_slot: dict, token: str | None = None, **extra):
    """An advisor's reservation unless the test says otherwise: customers' are held to the search
    (contract section 20, tests/api/test_customer_offer.py)."""
    return client.post("/time-slots/reserve", json={"timeSlot": time_slot, "token": token or str(uuid.uuid4()),
                                                     "isCustomerInitiated": False, **extra})


def book(client, day: datetime, start_hour: float, employee: str = ANNA, **fields):
    start = day + timedelta(hours=start_hour)
    body = {"bookedBy": "Employee", "salesforceId": "sf-1", "employeeId": employee, "customerId": "c-1",
            "type": "Online", "startDate": iso(start), "endDate": iso(start + timedelta(hours=1)), **fields}
    return client.post("/meetings", json=body)


def test_a_reservation_is_created_with_its_expiry_and_an_etag(api):
    token = str(uuid.uuid4())
    response = reserve(api, slot(new_day(), 9, employeeId=ANNA, roomId=HAVNEN, serviceGroup="Boliglån"), token)
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "startDate", "endDate", "status", "employeeId", "roomId", "serviceGroup", "token",
                         "expiresAt"}
    assert body["status"] == "Reserved"
    assert body["token"] == token
    assert body["employeeId"] == ANNA and body["roomId"] == HAVNEN and body["serviceGroup"] == "Boliglån"
    expires = datetime.fromisoformat(body["expiresAt"].replace("Z", "+00:00"))
    assert timedelta(minutes=4) < expires - datetime.now(UTC) <= timedelta(minutes=5, seconds=5)
    assert body["expiresAt"].endswith("Z") and "." in body["expiresAt"]
    assert response.headers["ETag"]


def test_the_status_is_case_insensitive_and_must_be_reserved(api):
    day = new_day()
    assert reserve(api, slot(day, 9, employeeId=ANNA, status="rESERVED")).status_code == 201
    refused = reserve(api, slot(day, 11, employeeId=ANNA, status="Booked"))
    assert refused.status_code == 400
    assert "timeSlot.status" in refused.json()["errors"]


def test_the_same_token_replaces_the_earlier_reservation(api):
    day, token = new_day(), str(uuid.uuid4())
    first = reserve(api, slot(day, 9, employeeId=ANNA), token)
    second = reserve(api, slot(day, 9.5, employeeId=ANNA), token)
    assert first.status_code == 201 and second.status_code == 201, second.text
    assert second.json()["id"] != first.json()["id"]
    # The first one is gone: its time is free for someone else, and it cannot be booked.
    assert reserve(api, slot(day, 8, employeeId=ANNA)).status_code == 201
    consumed = api.post("/meetings", json={"bookedBy": "Employee", "salesforceId": "sf", "employeeId": ANNA,
                                           "customerId": "c", "type": "Online", "timeSlotId": first.json()["id"]})
    assert consumed.status_code == 400


def test_the_same_token_on_another_day_also_replaces(api):
    token = str(uuid.uuid4())
    first_day, other_day = new_day(), new_day()
    assert reserve(api, slot(first_day, 9, employeeId=ANNA), token).status_code == 201
    assert reserve(api, slot(other_day, 9, employeeId=ANNA), token).status_code == 201
    assert reserve(api, slot(first_day, 9, employeeId=ANNA)).status_code == 201, "the first day's time is free"


def test_different_tokens_coexist_but_cannot_overlap(api):
    day = new_day()
    first = reserve(api, slot(day, 9, employeeId=ANNA))
    overlapping = reserve(api, slot(day, 9.5, employeeId=ANNA))
    beside = reserve(api, slot(day, 10, employeeId=ANNA))
    assert first.status_code == 201
    assert overlapping.status_code == 409
    assert overlapping.headers["Content-Type"].startswith("application/problem+json")
    assert beside.status_code == 201


def test_a_room_reserved_for_one_employee_is_taken_for_another(api):
    day = new_day()
    assert reserve(api, slot(day, 9, employeeId=ANNA, roomId=HAVNEN)).status_code == 201
    assert reserve(api, slot(day, 9, employeeId=BO, roomId=HAVNEN)).status_code == 409
    assert reserve(api, slot(day, 9, employeeId=BO)).status_code == 201


def test_a_meeting_blocks_reservations_of_its_employee(api):
    day = new_day()
    assert book(api, day, 9).status_code == 201
    assert reserve(api, slot(day, 9.5, employeeId=ANNA)).status_code == 409


def test_rescheduling_does_not_conflict_with_the_meetings_own_time(api):
    day = new_day()
    meeting = book(api, day, 9).json()
    assert reserve(api, slot(day, 9.5, employeeId=ANNA)).status_code == 409
    moved = reserve(api, slot(day, 9.5, employeeId=ANNA), existingMeetingId=meeting["id"])
    assert moved.status_code == 201, moved.text


def test_an_unknown_existing_meeting_is_a_bad_request(api):
    response = reserve(api, slot(new_day(), 9, employeeId=ANNA), existingMeetingId=str(uuid.uuid4()))
    assert response.status_code == 400


def test_the_daily_cap_holds_for_customer_reservations_only(api):
    employee_id = str(uuid.uuid4())
    assert api.put(f"/employees/{employee_id}", json={"name": "Cap Advisor", "email": "cap@nordhavnbank.example",
                                                      "location": "CPH-HQ"}).status_code == 201
    schedule = api.post("/bookme/config/employee-schedules",
                        json=weekday_schedule(employee_id, maxMeetingTimePerDay="01:30:00"))
    assert schedule.status_code == 201, schedule.text
    day = next(bookable_days(api))
    customer = {"isCustomerInitiated": True}
    assert reserve(api, slot(day, 9, employeeId=employee_id), **customer).status_code == 201
    over = reserve(api, slot(day, 11, employeeId=employee_id), **customer)
    assert over.status_code == 409
    assert over.json()["reasons"] == ["DailyCapReached"]
    assert reserve(api, slot(day, 11, hours=0.5, employeeId=employee_id), **customer).status_code == 201
    assert reserve(api, slot(day, 13, employeeId=employee_id), isCustomerInitiated=False).status_code == 201


@pytest.mark.parametrize(("change", "field"), [
    ({"endDate": "2040-06-01T09:00:00Z", "startDate": "2040-06-01T09:00:00Z"}, "timeSlot.endDate"),
    ({"endDate": "2040-06-01T08:00:00Z", "startDate": "2040-06-01T09:00:00Z"}, "timeSlot.endDate"),
    ({"employeeId": None}, "timeSlot.employeeId"),
    ({"employeeId": str(uuid.uuid4())}, "timeSlot.employeeId"),
    ({"roomId": str(uuid.uuid4())}, "timeSlot.roomId"),
    # 22:30 to 23:30 UTC is 23:30 to 00:30 in Copenhagen.
    ({"startDate": "2040-06-01T21:30:00Z", "endDate": "2040-06-01T22:30:00Z"}, "timeSlot.endDate"),
    ({"startDate": "2020-06-01T09:00:00Z", "endDate": "2020-06-01T10:00:00Z"}, "timeSlot.startDate"),
    ({"startDate": "not a date"}, "timeSlot.startDate"),
])
def test_bad_time_slots_are_bad_requests(api, change, field):
    body = {**slot(datetime(2040, 6, 1, tzinfo=UTC), 9, employeeId=ANNA), **change}
    response = reserve(api, {k: v for k, v in body.items() if v is not None})
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]


@pytest.mark.parametrize("body", [{}, {"timeSlot": {"startDate": "2040-06-01T09:00:00Z"}},
                                  {"timeSlot": {"startDate": "2040-06-01T09:00:00Z", "endDate": "2040-06-01T10:00:00Z",
                                                "status": "Reserved", "employeeId": ANNA}, "token": "abc"},
                                  {"timeSlot": {"startDate": "2040-06-01T09:00:00Z", "endDate": "2040-06-01T10:00:00Z",
                                                "status": "Reserved", "employeeId": ANNA}}])
def test_a_missing_or_malformed_token_or_slot_is_a_bad_request(api, body):
    assert api.post("/time-slots/reserve", json=body).status_code == 400


def test_reserving_needs_a_token_but_no_role(stack, reader):
    import httpx

    anonymous = httpx.post(f"{stack.base_url}/v3/bookme/time-slots/reserve", json={})
    assert anonymous.status_code == 401
    assert reserve(reader, slot(new_day(), 9, employeeId=ANNA)).status_code == 201


def test_v2_serves_reservations_too(api_v2):
    assert reserve(api_v2, slot(new_day(), 9, employeeId=ANNA)).status_code == 201
