"""/bookme/config/webhooks over real HTTP (contract section 17): subscriptions, secrets shown
once, and signed meeting events delivered to a receiver on loopback through the queue."""

import base64
import time
import uuid
from datetime import timedelta

import pytest

from shared.rules.webhook_signing import key_of, verify
from tests.api.test_notifications import book, new_employee, start_of_new_day

WEBHOOKS = "/bookme/config/webhooks"
ALL_EVENTS = ["meeting.created", "meeting.updated", "meeting.rescheduled", "meeting.cancelled"]


def for_meeting(meeting_id: str):
    return lambda received: [r for r in received if r.payload["data"]["id"] == meeting_id]


def test_post_creates_a_subscription_and_is_the_only_answer_with_the_secret(config_api, subscribe):
    created = subscribe("https://crm.bank.example/bookme", ["meeting.created", "Meeting.Cancelled"],
                        description="CRM")
    assert uuid.UUID(created["id"])
    assert created["events"] == ["meeting.created", "meeting.cancelled"]
    assert created["isActive"] is True and created["description"] == "CRM"
    assert created["secret"].startswith("whsec_") and 24 <= len(key_of(created["secret"])) <= 64
    one = config_api.get(f"{WEBHOOKS}/{created['id']}")
    assert one.status_code == 200 and one.headers["ETag"]
    assert one.json() == {k: v for k, v in created.items() if k != "secret"}
    listed = config_api.get(WEBHOOKS)
    assert listed.status_code == 200
    assert {k: v for k, v in created.items() if k != "secret"} in listed.json()
    assert all("secret" not in w for w in listed.json())


def test_a_given_secret_is_kept_and_a_malformed_one_is_a_400(api, subscribe):
    secret = "whsec_" + base64.b64encode(bytes(range(64))).decode()
    assert subscribe("https://crm.bank.example/", ["meeting.updated"], secret=secret)["secret"] == secret
    for wrong in ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_" + base64.b64encode(bytes(16)).decode(), "whsec_%%"):
        response = api.post(WEBHOOKS, json={"url": "https://crm.bank.example/", "events": ["meeting.created"],
                                            "secret": wrong})
        assert response.status_code == 400, wrong


@pytest.mark.parametrize("body", [
    {"url": "https://crm.bank.example/", "events": []},
    {"url": "https://crm.bank.example/", "events": ["meeting.deleted"]},
    {"url": "https://crm.bank.example/"},
    {"events": ["meeting.created"]},
    {"url": "ftp://crm.bank.example/", "events": ["meeting.created"]},
    {"url": "http://8.8.8.8/hook", "events": ["meeting.created"]},  # http only to this machine or private ones
    {"url": "https://crm.bank.example/", "events": "meeting.created"},
    {"url": "https://crm.bank.example/", "events": ["meeting.created"], "isActive": "yes"},
])
def test_an_invalid_subscription_is_a_400(api, body):
    response = api.post(WEBHOOKS, json=body)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_patch_is_json_patch_and_never_shows_or_takes_the_secret(api, subscribe):
    created = subscribe("https://crm.bank.example/", ["meeting.created"])
    url = f"{WEBHOOKS}/{created['id']}"
    patched = api.patch(url, json=[{"op": "replace", "path": "/isActive", "value": False},
                                   {"op": "add", "path": "/events/-", "value": "meeting.rescheduled"}])
    assert patched.status_code == 200 and "secret" not in patched.json()
    assert patched.json()["isActive"] is False and patched.json()["events"] == ["meeting.created",
                                                                                "meeting.rescheduled"]
    for operations in ([{"op": "add", "path": "/secret", "value": "whsec_x"}],
                       [{"op": "replace", "path": "/id", "value": str(uuid.uuid4())}],
                       [{"op": "replace", "path": "/events", "value": []}],
                       {"op": "replace", "path": "/isActive", "value": True}):
        assert api.patch(url, json=operations).status_code == 400, operations
    assert api.patch(url, json=[{"op": "test", "path": "/isActive", "value": True}]).status_code == 409
    assert api.patch(url, json=[], headers={"If-Match": '"stale"'}).status_code == 412


def test_delete_is_204_and_then_the_subscription_is_gone(api):
    created = api.post(WEBHOOKS, json={"url": "https://crm.bank.example/", "events": ["meeting.created"]}).json()
    assert api.delete(f"{WEBHOOKS}/{created['id']}").status_code == 204
    assert api.get(f"{WEBHOOKS}/{created['id']}").status_code == 404
    assert api.delete(f"{WEBHOOKS}/{created['id']}").status_code == 404
    assert api.get(f"{WEBHOOKS}/{uuid.uuid4()}").status_code == 404


def test_every_call_needs_bookme_config_and_v2_has_no_webhooks(reader, api_v2, config_api, subscribe):
    created = subscribe("https://crm.bank.example/", ["meeting.created"])
    one = f"{WEBHOOKS}/{created['id']}"
    body = {"url": "https://crm.bank.example/", "events": ["meeting.created"]}
    assert reader.get(WEBHOOKS).status_code == 403
    assert reader.get(one).status_code == 403
    assert reader.post(WEBHOOKS, json=body).status_code == 403
    assert reader.patch(one, json=[]).status_code == 403
    assert reader.delete(one).status_code == 403
    assert api_v2.get(WEBHOOKS).status_code == 404
    assert config_api.patch(one, json=[]).status_code == 200


def test_meeting_changes_arrive_signed_as_their_events_without_the_cpr(api, receiver, subscribe):
    subscription = subscribe(receiver.url, ALL_EVENTS)
    employee_id, _ = new_employee(api)
    start = start_of_new_day()
    meeting = book(api, employee_id, start, title="Pension")
    api.patch(f"/meetings/{meeting['id']}", json=[{"op": "replace", "path": "/title", "value": "Pension 2"}])
    api.patch(f"/meetings/{meeting['id']}", json=[
        {"op": "replace", "path": "/startDate", "value": (start + timedelta(hours=2)).isoformat()},
        {"op": "replace", "path": "/endDate", "value": (start + timedelta(hours=3)).isoformat()}])
    assert api.delete(f"/meetings/{meeting['id']}").status_code == 204
    got = for_meeting(meeting["id"])(receiver.wait_for(lambda r: len(for_meeting(meeting["id"])(r)) >= 4))
    assert sorted(r.payload["type"] for r in got) == sorted(ALL_EVENTS)
    for received in got:
        verify(subscription["secret"], received.headers, received.body, now=int(time.time()))
        assert set(received.payload) == {"type", "timestamp", "data"}
        assert received.payload["timestamp"].endswith("Z")
        assert "cpr" not in received.payload["data"]
        assert received.headers["content-type"].startswith("application/json")
    created = next(r for r in got if r.payload["type"] == "meeting.created")
    assert created.payload["data"]["title"] == "Pension" and created.payload["data"]["employeeId"] == employee_id
    assert len({r.headers["webhook-id"] for r in got}) == 4


def test_only_active_subscriptions_get_only_their_events(api, receiver, subscribe):
    subscribe(receiver.url + "?to=creations", ["meeting.created"])
    subscribe(receiver.url + "?to=inactive", ALL_EVENTS, isActive=False)
    paused = subscribe(receiver.url + "?to=paused", ALL_EVENTS)
    assert api.patch(f"{WEBHOOKS}/{paused['id']}", json=[
        {"op": "replace", "path": "/isActive", "value": False}]).status_code == 200
    deleted = subscribe(receiver.url + "?to=deleted", ALL_EVENTS)
    assert api.delete(f"{WEBHOOKS}/{deleted['id']}").status_code == 204
    employee_id, _ = new_employee(api)
    meeting = book(api, employee_id, start_of_new_day())
    assert api.delete(f"/meetings/{meeting['id']}").status_code == 204
    marker = book(api, employee_id, start_of_new_day())  # arrives after the others were sent
    receiver.wait_for(lambda r: for_meeting(marker["id"])(r))
    got = for_meeting(meeting["id"])(receiver.received)
    assert [(r.path, r.payload["type"]) for r in got] == [("/hook?to=creations", "meeting.created")]
