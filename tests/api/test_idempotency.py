"""Contract section 11 over HTTP: Idempotency-Key on POST /meetings, POST /time-slots/reserve and
PATCH /meetings/{id}."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shared.models.common import format_utc as iso
from tests.utils.advisors import meeting, new_advisor
from tests.utils.tokens import bearer


def far_day(offset: int) -> datetime:
    return datetime(2043, 3, 2, 8, tzinfo=UTC) + timedelta(days=offset)


def keyed(key: str) -> dict:
    return {"Idempotency-Key": key}


def test_a_repeat_returns_the_kept_answer_and_books_once(api):
    advisor = new_advisor(api, schedule=False)
    body, key = meeting(advisor, far_day(0), bookedBy="Employee"), str(uuid.uuid4())
    first = api.post("/meetings", json=body, headers=keyed(key))
    assert first.status_code == 201, first.text
    assert "Idempotency-Replayed" not in first.headers
    again = api.post("/meetings", json=body, headers=keyed(key))
    assert again.status_code == 201
    assert again.headers["Idempotency-Replayed"] == "true"
    assert again.json() == first.json() and again.headers["ETag"] == first.headers["ETag"]
    assert len(api.get("/meetings", params={"employeeId": advisor}).json()) == 1


def test_the_same_key_with_another_body_is_422_and_bad_keys_are_400(api):
    advisor = new_advisor(api, schedule=False)
    key = str(uuid.uuid4())
    assert api.post("/meetings", json=meeting(advisor, far_day(1), bookedBy="Employee"),
                    headers=keyed(key)).status_code == 201
    other = api.post("/meetings", json=meeting(advisor, far_day(2), bookedBy="Employee"), headers=keyed(key))
    assert other.status_code == 422 and other.headers["content-type"].startswith("application/problem+json")
    for bad in (b"x" * 256, "naïve".encode()):
        assert api.post("/meetings", json=meeting(advisor, far_day(3), bookedBy="Employee"),
                        headers={"Idempotency-Key": bad}).status_code == 400


def test_the_key_is_scoped_to_the_caller(stack, api):
    advisor = new_advisor(api, schedule=False)
    key = str(uuid.uuid4())
    body = meeting(advisor, far_day(4), bookedBy="Employee")
    assert api.post("/meetings", json=body, headers=keyed(key)).status_code == 201
    with httpx.Client(base_url=f"{stack.base_url}/v3/bookme",
                      headers=bearer(stack.key_file, [], subject="another-caller"), timeout=30) as other:
        response = other.post("/meetings", json=body, headers=keyed(key))
    assert response.status_code == 409 and "Idempotency-Replayed" not in response.headers


def test_a_refused_request_is_not_kept(api):
    advisor = new_advisor(api, schedule=False)
    taken = api.post("/meetings", json=meeting(advisor, far_day(5), bookedBy="Employee")).json()
    key, body = str(uuid.uuid4()), meeting(advisor, far_day(5), bookedBy="Employee")
    assert api.post("/meetings", json=body, headers=keyed(key)).status_code == 409
    assert api.delete(f"/meetings/{taken['id']}").status_code == 204
    retried = api.post("/meetings", json=body, headers=keyed(key))
    assert retried.status_code == 201 and "Idempotency-Replayed" not in retried.headers


def test_twenty_parallel_retries_with_one_key_book_once(stack, api):
    advisor = new_advisor(api, schedule=False)
    body, key = meeting(advisor, far_day(6), bookedBy="Employee"), str(uuid.uuid4())
    headers = {**bearer(stack.key_file, None), **keyed(key)}

    def send(_):
        with httpx.Client(base_url=f"{stack.base_url}/v3/bookme", headers=headers, timeout=60) as client:
            return client.post("/meetings", json=body)

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(send, range(20)))
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {201, 409} and 201 in statuses
    created = {r.json()["id"] for r in responses if r.status_code == 201}
    assert len(created) == 1
    assert len(api.get("/meetings", params={"employeeId": advisor}).json()) == 1
    assert api.post("/meetings", json=body, headers=keyed(key)).headers["Idempotency-Replayed"] == "true"


def test_a_keyed_patch_and_a_keyed_reservation_replay(api):
    advisor = new_advisor(api, schedule=False)
    booked = api.post("/meetings", json=meeting(advisor, far_day(7), bookedBy="Employee")).json()
    patch, key = [{"op": "replace", "path": "/title", "value": "Retried"}], str(uuid.uuid4())
    first = api.patch(f"/meetings/{booked['id']}", json=patch, headers=keyed(key))
    again = api.patch(f"/meetings/{booked['id']}", json=patch, headers=keyed(key))
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers["Idempotency-Replayed"] == "true" and again.json() == first.json()
    slot = {"startDate": iso(far_day(8)), "endDate": iso(far_day(8) + timedelta(hours=1)), "status": "Reserved",
            "employeeId": advisor}
    body, key = {"timeSlot": slot, "token": str(uuid.uuid4()), "isCustomerInitiated": False}, str(uuid.uuid4())
    held = api.post("/time-slots/reserve", json=body, headers=keyed(key))
    replay = api.post("/time-slots/reserve", json=body, headers=keyed(key))
    assert (held.status_code, replay.status_code) == (201, 201)
    assert replay.json() == held.json() and replay.headers["Idempotency-Replayed"] == "true"


@pytest.mark.parametrize("client", ["api_v2"])
def test_v2_accepts_the_key_too(request, client, api):
    v2 = request.getfixturevalue(client)
    advisor = new_advisor(api, schedule=False)
    body, key = meeting(advisor, far_day(9), bookedBy="Employee"), str(uuid.uuid4())
    assert v2.post("/meetings", json=body, headers=keyed(key)).status_code == 201
    assert v2.post("/meetings", json=body, headers=keyed(key)).headers["Idempotency-Replayed"] == "true"
