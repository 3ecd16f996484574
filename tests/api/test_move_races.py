"""Moves to another day racing other writers over real HTTP (contract section 22): 50 rounds each of
a DELETE against a cross-day PATCH, an erasure against a cross-day PATCH, and two cross-day moves
sent with one If-Match. Never a 5xx, never a meeting back from the dead or an erased value back,
exactly one winner of two moves, and afterwards GET answers what the last successful write said."""

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import quote

import httpx
import pytest

from tests.utils.http_builders import book, new_day, new_employee, new_portal, times

ROUNDS = 50


def round_start():
    """09:00 UTC on a day of its own, with the two days after it left free for moves."""
    start = new_day(2052) + timedelta(hours=9)
    new_day(2052), new_day(2052)
    return start


def together(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Send the requests at the same moment, each from its own thread."""
    ready = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        ready.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def move(client: httpx.Client, meeting: dict, start, etag: str | None = None) -> Callable[[], httpx.Response]:
    body = [{"op": "replace", "path": f"/{name}", "value": value} for name, value in times(start).items()]
    headers = {"If-Match": etag} if etag else {}
    return lambda: client.patch(f"/meetings/{meeting['id']}", json=body, headers=headers)


@pytest.fixture(scope="module")
def clients(stack, api):
    """One HTTP client per racer: the requests really travel at once."""
    made = [httpx.Client(base_url=str(api.base_url), headers=dict(api.headers), timeout=60) for _ in range(2)]
    yield made
    for client in made:
        client.close()


def no_server_error(*responses: httpx.Response) -> None:
    for response in responses:
        assert response.status_code < 500, response.text


def test_a_cancellation_racing_a_move_to_another_day_never_brings_the_meeting_back(api, clients):
    employee_id, _ = new_employee(api)
    for _ in range(ROUNDS):
        start = round_start()
        meeting = book(api, employee_id, start)
        moved_to = start + timedelta(days=1, hours=1)
        patched, deleted = together(move(clients[0], meeting, moved_to),
                                    lambda m=meeting: clients[1].delete(f"/meetings/{m['id']}"))
        no_server_error(patched, deleted)
        assert deleted.status_code == 204, deleted.text  # a cancellation waits for a move; it always wins in the end
        assert patched.status_code in (200, 404), patched.text
        assert api.get(f"/meetings/{meeting['id']}").status_code == 404, "cancelled stays cancelled"
        listed = api.get("/meetings", params={"employeeId": employee_id}).json()
        assert meeting["id"] not in {m["id"] for m in listed}
        for free in (start, moved_to):  # both times are free again
            book(api, employee_id, free)


def test_an_erasure_racing_a_move_to_another_day_is_never_undone(api, clients):
    employee_id, _ = new_employee(api)
    portal = new_portal(api, fields=[{"name": "phone", "type": "Phone"}])
    for _ in range(ROUNDS):
        customer = f"race-{uuid.uuid4().hex[:8]}"
        start = round_start()
        secret = f"Talk about the loan {uuid.uuid4().hex[:6]}"
        meeting = book(api, employee_id, start, bookedBy="PortalPartner", portalId=portal["id"], customerId=customer,
                       cpr="311299-9876", customFields=[{"key": "phone", "value": "+4512345678"}],
                       description=secret)
        moved_to = start + timedelta(days=1)
        patched, erased = together(move(clients[0], meeting, moved_to),
                                   lambda c=customer: clients[1].delete(f"/customers/{quote(c)}/personal-data"))
        no_server_error(patched, erased)
        assert patched.status_code == 200, patched.text
        assert erased.status_code == 200 and erased.json() == {"meetingsErased": 1}, erased.text
        current = api.get(f"/meetings/{meeting['id']}").json()
        assert current["startDate"] == times(moved_to)["startDate"], "the move happened"
        assert current["cpr"] is None and current["customFields"] == [] and not current["description"]
        history = api.get(f"/meetings/{meeting['id']}/history").text
        assert secret not in history and "+4512345678" not in history


def test_two_moves_sent_with_one_if_match_have_exactly_one_winner(api, clients):
    employee_id, _ = new_employee(api)
    for _ in range(ROUNDS):
        start = round_start()
        meeting = book(api, employee_id, start)
        etag = api.get(f"/meetings/{meeting['id']}").headers["ETag"]
        targets = (start + timedelta(days=1), start + timedelta(days=2))
        answers = together(move(clients[0], meeting, targets[0], etag), move(clients[1], meeting, targets[1], etag))
        no_server_error(*answers)
        assert sorted(a.status_code for a in answers) == [200, 412], [a.text for a in answers]
        winner = next(a for a in answers if a.status_code == 200).json()
        current = api.get(f"/meetings/{meeting['id']}")
        assert current.json()["startDate"] == winner["startDate"]
        assert current.headers["ETag"] != etag
