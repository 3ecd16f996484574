"""GET /room-vacancies over real HTTP: free active rooms at a location for a slot or meeting."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared.demo import bank
from shared.models.common import format_utc as iso

_days = itertools.count()
ANDERS = bank.employee_named("Anders Pedersen").id
IDA = bank.employee_named("Ida Larsen").id
CPH = {r.id: r.name for r in bank.ROOMS if r.location == "CPH-HQ"}
HAVNEN = next(id for id, name in CPH.items() if name == "Havnen")
NYHAVN = next(id for id, name in CPH.items() if name == "Nyhavn")



def window(day: datetime, hour: float) -> dict:
    start = day + timedelta(hours=hour)
    return {"startDate": iso(start), "endDate": iso(start + timedelta(hours=1))}


def new_day() -> datetime:
    return datetime(2044, 1, 5, tzinfo=UTC) + timedelta(days=next(_days))


def reserve(client, day, hour, **fields) -> dict:
    response = client.post("/time-slots/reserve", json={"timeSlot": {**window(day, hour), "status": "Reserved",
                                                                    **fields}, "token": str(uuid.uuid4()),
                                                        "isCustomerInitiated": False})
    assert response.status_code == 201, response.text
    return response.json()


def vacant(client, location: str, slot_id: str) -> set[str]:
    response = client.get("/room-vacancies", params={"location": location, "timeSlotId": slot_id})
    assert response.status_code == 200, response.text
    return {room["id"] for room in response.json()}


def test_every_free_room_at_the_location_is_vacant(api):
    reservation = reserve(api, new_day(), 9, employeeId=ANDERS)
    assert set(CPH) <= vacant(api, "cph-hq", reservation["id"]), "the location matches case-insensitively"
    assert not vacant(api, "AAR", reservation["id"]) & set(CPH)


def test_a_room_booked_at_that_time_is_not_vacant(api):
    day = new_day()
    booked = api.post("/meetings", json={"bookedBy": "Employee", "salesforceId": "sf", "employeeId": IDA,
                                         "customerId": "c", "type": "Physical", "roomId": HAVNEN,
                                         **window(day, 9.5)})
    assert booked.status_code == 201
    reservation = reserve(api, day, 9, employeeId=ANDERS)
    free = vacant(api, "CPH-HQ", reservation["id"])
    assert HAVNEN not in free and NYHAVN in free
    later = reserve(api, day, 10.5, employeeId=ANDERS)
    assert HAVNEN in vacant(api, "CPH-HQ", later["id"])


def test_the_slots_own_room_counts_as_vacant_for_it_and_a_meeting_id_works_too(api_v2):
    day = new_day()
    reservation = reserve(api_v2, day, 9, employeeId=ANDERS, roomId=NYHAVN)
    assert NYHAVN in vacant(api_v2, "CPH-HQ", reservation["id"])
    meeting = api_v2.post("/meetings", json={"bookedBy": "Employee", "salesforceId": "sf", "employeeId": ANDERS,
                                             "customerId": "c", "type": "Physical", "timeSlotId": reservation["id"]})
    assert meeting.status_code == 201
    assert NYHAVN in vacant(api_v2, "CPH-HQ", meeting.json()["id"])
    assert NYHAVN in vacant(api_v2, "CPH-HQ", reservation["id"]), "the consumed reservation names its meeting"
    other = reserve(api_v2, day, 9, employeeId=IDA)
    assert NYHAVN not in vacant(api_v2, "CPH-HQ", other["id"])


def test_inactive_rooms_are_never_vacant(api):
    room_id = str(uuid.uuid4())
    assert api.put(f"/rooms/{room_id}", json={"name": "Lukket", "capacity": 2, "location": "CPH-HQ",
                                              "isActive": False}).status_code == 201
    reservation = reserve(api, new_day(), 9, employeeId=ANDERS)
    assert room_id not in vacant(api, "CPH-HQ", reservation["id"])


@pytest.mark.parametrize("params", [{}, {"location": "CPH-HQ"}, {"timeSlotId": str(uuid.uuid4())},
                                    {"location": "CPH-HQ", "timeSlotId": "not-a-uuid"}])
def test_location_and_time_slot_are_required(api, params):
    assert api.get("/room-vacancies", params=params).status_code == 400


def test_an_unknown_time_slot_is_not_found(api):
    response = api.get("/room-vacancies", params={"location": "CPH-HQ", "timeSlotId": str(uuid.uuid4())})
    assert response.status_code == 404
