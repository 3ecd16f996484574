"""The advisors' Outlook calendars end to end (contract section 23): the local host, the Graph
stand-in and the demo bank (outlookSync TwoWay), on a stack of their own so that the Outlook time
made here touches no other test. Graph is only ever called the way a developer would: plain HTTP
requests to the stand-in's /v1.0 and its control endpoint for faults."""

import time
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlparse

import httpx
import pytest

from shared.demo.bank import employee_named
from shared.models.common import format_utc as iso
from tests.utils.advisors import local
from tests.utils.near_days import bookable_days
from tests.utils.stack import start_stack, stop_stack
from tests.utils.tokens import bearer

METTE, LARS, SOFIE = (employee_named(n) for n in ("Mette Nielsen", "Lars Jensen", "Sofie Hansen"))


@pytest.fixture(scope="module")
def outlook_stack(tmp_path_factory):
    stack = start_stack(tmp_path_factory.mktemp("outlook"), {"OUTLOOK_SUBSCRIPTIONS_SCHEDULE": "*/1 * * * * *",
                                                             "OUTLOOK_RECONCILE_SCHEDULE": "*/5 * * * * *",
                                                             "GRAPH_TIMEOUT": "00:00:02"})
    yield stack
    stop_stack(stack)


@pytest.fixture(scope="module")
def api(outlook_stack):
    with httpx.Client(base_url=f"{outlook_stack.base_url}/v3/bookme", headers=bearer(outlook_stack.key_file),
                      timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def graph(outlook_stack):
    """A developer's plain HTTP client of the stand-in (any bearer token)."""
    with httpx.Client(base_url=outlook_stack.graph_url, headers={"Authorization": "Bearer anything"},
                      timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def control(outlook_stack):
    parts = urlparse(outlook_stack.graph_url)
    with httpx.Client(base_url=f"{parts.scheme}://{parts.netloc}/_control", timeout=30) as client:
        yield client


@pytest.fixture(autouse=True)
def no_faults(control):
    control.post("/faults", json={"reset": True})
    yield
    control.post("/faults", json={"reset": True})


@pytest.fixture(scope="module")
def days(api):
    return bookable_days(api, first_offset=4)


def wait_for(check, timeout: float = 20, what: str = "it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def followed(control, *employees) -> None:
    """Wait until each employee's mailbox has its subscription (the subscriptions timer runs every second)."""
    def subscribed() -> bool:
        resources = {s["resource"].lower() for s in control.get("/stats").json()["subscriptions"]}
        return all(f"users/{e.email}/events" in resources for e in employees)

    wait_for(subscribed, what="subscribing the mailboxes")


def add_event(graph, employee, start: datetime, hours: float = 1, **fields) -> dict:
    wall = "%Y-%m-%dT%H:%M:%S"
    zone = "Europe/Copenhagen"
    local_start = start.astimezone(__import__("zoneinfo").ZoneInfo(zone))
    response = graph.post(f"/users/{employee.email}/events", json={
        "subject": "Team training", "start": {"dateTime": local_start.strftime(wall), "timeZone": zone},
        "end": {"dateTime": (local_start + timedelta(hours=hours)).strftime(wall), "timeZone": zone}, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def search(api, employee, day: datetime, path: str = "/time-slots/available", **params):
    response = api.get(path, params={
        "explicitEmployeeIds": employee.id, "employeeTypes": "Explicit", "requireEmployeeParticipation": "false",
        "meetingTypes": "Online", "startDate": iso(day), "lookForwardTime": "1.00:00:00",
        "isCustomerInitiated": "false", **params})
    assert response.status_code == 200, response.text
    return response.json()


def offered(api, employee, day: datetime) -> set[str]:
    return {slot["startDate"] for slot in search(api, employee, day)}


def meeting(employee, start: datetime, minutes: int = 60, **fields) -> dict:
    return {"bookedBy": "Employee", "salesforceId": "sf-outlook", "employeeId": employee.id, "customerId": "c-outlook",
            "type": "Online", "startDate": iso(start), "endDate": iso(start + timedelta(minutes=minutes)), **fields}


def events_on(graph, employee, day: datetime) -> list[dict]:
    response = graph.get(f"/users/{employee.email}/calendarView", params={
        "startDateTime": iso(day), "endDateTime": iso(day + timedelta(days=1)), "$top": 100})
    assert response.status_code == 200, response.text
    return response.json()["value"]


def mail_text(message) -> str:
    """Every part of an e-mail decoded, iCal lines unfolded."""
    parts = [p.get_payload(decode=True) for p in message.walk() if not p.is_multipart()]
    return "".join(p.decode("utf-8", "replace") for p in parts if p).replace("\r\n ", "")


def test_the_demo_bank_syncs_two_way_and_an_employee_may_opt_out(api):
    assert api.get("/bookme/config/organization-settings").json()["outlookSync"] == "TwoWay"
    employee_id = str(uuid.uuid4())
    body = {"name": "Rådgiver Uden Outlook", "email": f"r-{employee_id[:8]}@nordhavnbank.example",
            "outlookSync": False}
    created = api.put(f"/employees/{employee_id}", json=body)
    assert created.status_code == 201 and created.json()["outlookSync"] is False
    assert api.get(f"/employees/{METTE.id}").json()["outlookSync"] is True


def test_an_outlook_event_takes_the_slot_out_of_the_search_and_explain_says_outlook_busy(api, graph, control, days):
    followed(control, METTE)
    day = next(days)
    ten = local(day, 10)
    assert iso(ten) in offered(api, METTE, day)
    add_event(graph, METTE, ten)
    wait_for(lambda: iso(ten) not in offered(api, METTE, day), timeout=15, what="the slot vanishing")
    explained = search(api, METTE, day, "/time-slots/available/explain")
    (employee,) = explained["employees"]
    assert "OutlookBusy" in next(d["reasons"] for d in employee["days"] if d["date"] == local(day, 12).date()
                                 .isoformat())
    customer = api.post("/meetings", json=meeting(METTE, ten, bookedBy="Customer"))
    assert customer.status_code == 409 and customer.json()["reasons"] == ["OutlookBusy"]
    advisor = api.post("/meetings", json=meeting(METTE, ten, type="Physical"))
    assert advisor.status_code == 201, "the advisor knows their own calendar"


def test_an_online_booking_shows_in_the_mailbox_with_its_teams_link_which_the_meeting_and_mail_get(
        api, graph, control, days, outlook_stack):
    followed(control, LARS)
    day = next(days)
    start = local(day, 10)
    booked = api.post("/meetings", json=meeting(LARS, start, title="Boliglån"))
    assert booked.status_code == 201
    (event,) = wait_for(lambda: events_on(graph, LARS, day), timeout=10, what="the event in Outlook")
    join_url = event["onlineMeeting"]["joinUrl"]
    assert (event["subject"], event["showAs"], event["isOnlineMeeting"]) == ("Boliglån", "busy", True)
    assert event["start"]["dateTime"].startswith(iso(start)[:19])
    wait_for(lambda: api.get(f"/meetings/{booked.json()['id']}").json()["videoLink"] == join_url,
             what="the Teams link becoming the videoLink")
    mails = outlook_stack.wait_for_mail(1, timeout=20, predicate=lambda m: join_url in mail_text(m))
    assert mails and LARS.email in mails[0]["X-Envelope-To"]
    assert len(events_on(graph, LARS, day)) == 1, "BookMe's own event is written once"


def test_a_move_moves_the_event_keeping_its_teams_meeting_and_a_cancel_deletes_it(api, graph, control, days):
    followed(control, SOFIE)
    day = next(days)
    booked = api.post("/meetings", json=meeting(SOFIE, local(day, 9))).json()
    (before,) = wait_for(lambda: [e for e in events_on(graph, SOFIE, day) if e.get("onlineMeeting")], timeout=10)
    moved = api.patch(f"/meetings/{booked['id']}", json=[{"op": "replace", "path": "/startDate",
                                                          "value": iso(local(day, 13))},
                                                         {"op": "replace", "path": "/endDate",
                                                          "value": iso(local(day, 14))}])
    assert moved.status_code == 200, moved.text
    (after,) = wait_for(lambda: [e for e in events_on(graph, SOFIE, day)
                                 if e["start"]["dateTime"].startswith(iso(local(day, 13))[:19])], timeout=10)
    assert after["id"] == before["id"] and after["onlineMeeting"] == before["onlineMeeting"]
    assert api.delete(f"/meetings/{booked['id']}").status_code == 204
    wait_for(lambda: not events_on(graph, SOFIE, day), timeout=10, what="the event being deleted")


def test_bookmes_own_events_never_block_the_search(api, graph, control, days):
    followed(control, METTE)
    day = next(days)
    booked = api.post("/meetings", json=meeting(METTE, local(day, 9)))
    wait_for(lambda: events_on(graph, METTE, day), timeout=10)
    api.delete(f"/meetings/{booked.json()['id']}")
    wait_for(lambda: not events_on(graph, METTE, day), timeout=10)
    time.sleep(1)
    assert iso(local(day, 9)) in offered(api, METTE, day)


def test_the_notification_endpoint_echoes_graphs_validation_token_and_refuses_other_client_states(outlook_stack):
    url = f"{outlook_stack.base_url}/outlook/notifications"
    token = "Validation: Testing client application reachability for subscription Request-Id: 1a2b"
    echoed = httpx.post(url, params={"validationToken": token}, content=b"")
    assert (echoed.status_code, echoed.text, echoed.headers["content-type"].split(";")[0]) == (200, token,
                                                                                              "text/plain")
    forged = httpx.post(url, json={"value": [{"subscriptionId": "s", "clientState": "guess", "changeType": "created"}]})
    assert forged.status_code == 202
    wait_for(lambda: "without BookMe's clientState were dropped" in outlook_stack.log_file.read_text(), timeout=5)


def test_a_lost_notification_is_repaired_by_the_reconciliation(api, graph, control, days):
    followed(control, METTE)
    day = next(days)
    eleven = local(day, 11)
    control.post("/faults", json={"loseNotifications": True})
    add_event(graph, METTE, eleven)
    assert control.get("/stats").json()["notifications"].get("lost", 0) >= 1
    wait_for(lambda: iso(eleven) not in offered(api, METTE, day), timeout=15, what="the reconciliation")


def test_a_forgotten_delta_state_and_a_removed_subscription_are_recovered(api, graph, control, days):
    followed(control, METTE)
    day = next(days)
    control.post("/expire-delta", json={"mailbox": METTE.email})
    add_event(graph, METTE, local(day, 9))
    wait_for(lambda: iso(local(day, 9)) not in offered(api, METTE, day), timeout=15, what="a new round after 410")
    before = {s["id"] for s in control.get("/stats").json()["subscriptions"]}
    assert control.post("/lifecycle", json={"mailbox": METTE.email, "event": "subscriptionRemoved"}).json()["sent"]
    wait_for(lambda: {s["id"] for s in control.get("/stats").json()["subscriptions"]
                      if s["resource"].lower() == f"users/{METTE.email}/events"} - before, timeout=15,
             what="a new subscription")
    add_event(graph, METTE, local(day, 14))
    wait_for(lambda: iso(local(day, 14)) not in offered(api, METTE, day), timeout=15)


def test_a_graph_outage_and_a_429_storm_neither_fail_nor_slow_bookings_and_drain_afterwards(api, graph, control, days):
    followed(control, LARS)
    day = next(days)
    control.post("/faults", json={"unavailable": {"seconds": 4}})
    started = time.monotonic()
    ids = [api.post("/meetings", json=meeting(LARS, local(day, 8 + hour), type="Physical")).json()["id"]
           for hour in range(3)]
    control.post("/faults", json={"throttle": {"count": 40, "retryAfter": 1}})
    ids += [api.post("/meetings", json=meeting(LARS, local(day, 12 + hour), type="Physical")).json()["id"]
            for hour in range(3)]
    assert len(ids) == 6 and time.monotonic() - started < 10
    def all_written() -> bool:
        response = graph.get(f"/users/{LARS.email}/calendarView", params={
            "startDateTime": iso(day), "endDateTime": iso(day + timedelta(days=1)), "$top": 100})
        return response.status_code == 200 and len(response.json()["value"]) == 6  # the stand-in may refuse us too

    wait_for(all_written, timeout=40, what="the events after the outage")
    time.sleep(2)
    assert len(events_on(graph, LARS, day)) == 6, "nothing written twice"
    assert control.get("/stats").json()["refusedConcurrent"] == 0, "never more than 4 calls at once per mailbox"


def test_an_answer_slower_than_graph_timeout_still_writes_the_event_once(api, graph, control, days):
    followed(control, SOFIE)
    day = next(days)
    control.post("/faults", json={"delay": 3})  # past GRAPH_TIMEOUT (2 s): Graph does it, BookMe hears nothing
    before = control.get("/stats").json()
    api.post("/meetings", json=meeting(SOFIE, local(day, 10), type="Physical"))
    wait_for(lambda: control.get("/stats").json()["created"] > before["created"], timeout=10,
             what="the slow creation")
    control.post("/faults", json={"delay": 0})
    wait_for(lambda: control.get("/stats").json()["deduplicated"] > before["deduplicated"], timeout=15,
             what="the retry with the same transactionId")
    time.sleep(1)
    assert len(events_on(graph, SOFIE, day)) == 1
