"""The V3 booking flow end to end: pick a slot from GET /time-slots/available, reserve it,
book it; it disappears from the next availability answer and comes back after DELETE."""

import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MONDAY = "2048-03-02T00:00:00Z"  # a Monday, Copenhagen winter time (UTC+1), far from other tests


@pytest.fixture(autouse=True)
def _needs_availability():
    if not (ROOT / "functions" / "time_slots.py").exists():
        pytest.skip("GET /time-slots/available is not there yet (functions/time_slots.py)")


def advisor(api) -> str:
    employee_id = str(uuid.uuid4())
    assert api.put(f"/employees/{employee_id}", json={"name": f"Flow {employee_id[:8]}",
                                                      "email": f"flow-{employee_id[:8]}@nordhavnbank.example"}
                   ).status_code == 201
    workday = {"dayOfWeek": "Monday", "from": "09:00:00", "to": "12:00:00", "location": "CPH-HQ",
               "availableMeetingTypes": [{"type": "Online"}]}
    response = api.post("/bookme/config/employee-schedules", json={"employeeId": employee_id, "workdays": [workday]})
    assert response.status_code == 201, response.text
    return employee_id


def starts(api, employee_id: str) -> list[str]:
    response = api.get("/time-slots/available", params={
        "startDate": MONDAY, "lookForwardTime": "1.00:00:00", "explicitEmployeeIds": employee_id,
        "requireEmployeeParticipation": "true", "meetingTypes": "online", "meetingDuration": "01:00:00"})
    assert response.status_code == 200, response.text
    return [slot["startDate"] for slot in response.json()]


def test_a_booked_slot_leaves_availability_and_returns_after_cancelling(api):
    employee_id = advisor(api)
    before = starts(api, employee_id)
    assert before, "the advisor has free slots on that Monday"
    picked = api.get("/time-slots/available", params={
        "startDate": MONDAY, "lookForwardTime": "1.00:00:00", "explicitEmployeeIds": employee_id,
        "requireEmployeeParticipation": "true", "meetingTypes": "online"}).json()[0]
    reservation = api.post("/time-slots/reserve", json={
        "timeSlot": {"startDate": picked["startDate"], "endDate": picked["endDate"], "status": "Reserved",
                     "employeeId": picked["employeeId"]}, "token": str(uuid.uuid4()),
        "isCustomerInitiated": False})
    assert reservation.status_code == 201, reservation.text
    assert picked["startDate"] not in starts(api, employee_id), "a reservation holds the slot"
    # An advisor's booking: the slot is years ahead, beyond what a customer may book (section 20).
    meeting = api.post("/meetings", json={"bookedBy": "Employee", "salesforceId": "sf-flow", "customerId": "c-flow",
                                          "employeeId": employee_id, "type": picked["meetingType"],
                                          "timeSlotId": reservation.json()["id"]})
    assert meeting.status_code == 201, meeting.text
    after_booking = starts(api, employee_id)
    assert picked["startDate"] not in after_booking
    assert len(after_booking) < len(before)
    assert api.delete(f"/meetings/{meeting.json()['id']}").status_code == 204
    assert starts(api, employee_id) == before
