"""Contract section 13 over HTTP: rooms added to booked Physical meetings, claimed in the same write."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx

from tests.utils.advisors import meeting, new_advisor
from tests.utils.tokens import bearer


def branch(api, **flags) -> str:
    identifier = f"R-{uuid.uuid4().hex[:8]}"
    response = api.post("/bookme/config/locations", json={"location": identifier, "addRoomsToBookedMeetings": True,
                                                          **flags})
    assert response.status_code == 201, response.text
    return identifier


def room(api, location: str, name: str, capacity: int) -> str:
    room_id = str(uuid.uuid4())
    response = api.put(f"/rooms/{room_id}", json={"name": name, "capacity": capacity, "location": location})
    assert response.status_code == 201, response.text
    return room_id


def at(offset_days: int, hour: int = 9) -> datetime:
    return datetime(2044, 5, 3, hour, tzinfo=UTC) + timedelta(days=offset_days)


def physical(employee_id: str, start: datetime, **fields) -> dict:
    return meeting(employee_id, start, **{"bookedBy": "Employee", "type": "Physical", **fields})


def test_a_physical_meeting_gets_the_smallest_free_room_that_seats_everyone(api):
    location = branch(api)
    small, large = room(api, location, "Small", 1), room(api, location, "Large", 8)
    room(api, location, "Medium", 3)
    advisor, colleague = new_advisor(api, location, schedule=False), new_advisor(api, location, schedule=False)
    alone = api.post("/meetings", json=physical(advisor, at(0)))
    assert alone.status_code == 201 and alone.json()["roomId"] == small
    guests = [{"name": f"Guest {n}", "email": f"g{n}@example.com"} for n in range(4)]
    crowd = api.post("/meetings", json=physical(colleague, at(0), bookedBy="PortalPartner",
                                                portalId=_portal(api), externalAttendees=guests))
    assert crowd.status_code == 201, crowd.text
    assert crowd.json()["roomId"] == large
    online = api.post("/meetings", json={**physical(advisor, at(1)), "type": "Online"})
    assert online.json()["roomId"] is None


def test_an_explicit_room_is_used_as_given(api):
    location = branch(api)
    room(api, location, "Small", 1)
    large = room(api, location, "Large", 8)
    advisor = new_advisor(api, location, schedule=False)
    booked = api.post("/meetings", json=physical(advisor, at(2), roomId=large))
    assert booked.status_code == 201 and booked.json()["roomId"] == large


def test_a_move_chooses_the_room_again(api):
    location = branch(api)
    only = room(api, location, "Only", 2)
    advisor, other = new_advisor(api, location, schedule=False), new_advisor(api, location, schedule=False)
    first = api.post("/meetings", json=physical(advisor, at(3))).json()
    assert first["roomId"] == only
    blocker = api.post("/meetings", json=physical(other, at(3, 11), roomId=only))
    assert blocker.status_code == 201
    moved = api.patch(f"/meetings/{first['id']}", json=[
        {"op": "replace", "path": "/startDate", "value": at(3, 11).isoformat()},
        {"op": "replace", "path": "/endDate", "value": at(3, 12).isoformat()}])
    assert moved.status_code == 200, moved.text
    assert moved.json()["roomId"] is None, "the location does not require a room"


def _race(stack, bodies: list[dict]) -> list[httpx.Response]:
    headers = bearer(stack.key_file, None)

    def send(body):
        with httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=headers, timeout=60) as client:
            return client.post("/meetings", json=body)

    with ThreadPoolExecutor(len(bodies)) as pool:
        return list(pool.map(send, bodies))


def test_two_bookings_racing_for_the_last_required_room_give_one_201_and_one_409(stack, api):
    for round in range(3):
        location = branch(api, requireAvailableRoom=True)
        last = room(api, location, "Last", 2)
        first, second = new_advisor(api, location, schedule=False), new_advisor(api, location, schedule=False)
        responses = _race(stack, [physical(first, at(10 + round)), physical(second, at(10 + round))])
        assert sorted(r.status_code for r in responses) == [201, 409]
        winner = next(r for r in responses if r.status_code == 201)
        loser = next(r for r in responses if r.status_code == 409)
        assert winner.json()["roomId"] == last
        assert loser.json()["reasons"] == ["NoRoomAvailable"]


def test_without_a_required_room_the_loser_is_booked_without_one(stack, api):
    location = branch(api)
    last = room(api, location, "Last", 2)
    first, second = new_advisor(api, location, schedule=False), new_advisor(api, location, schedule=False)
    responses = _race(stack, [physical(first, at(20)), physical(second, at(20))])
    assert [r.status_code for r in responses] == [201, 201]
    assert sorted((r.json()["roomId"] or "") for r in responses) == sorted(["", last])


def _portal(api) -> str:
    """A portal without form fields, so its bookings need no custom fields."""
    created = api.post("/bookme/config/portals", json={"name": f"P {uuid.uuid4().hex[:6]}"})
    assert created.status_code == 201, created.text
    return created.json()["id"]
