"""Webhook events of meeting changes, their queue messages, and the retry schedule."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from shared.models.meetings import Meeting
from shared.rules import webhooks as rules
from shared.rules.messaging import Reference
from shared.settings import Settings

AT = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)


def meeting(**changes) -> Meeting:
    fields = {"id": "6f1c2b8e-1d7a-4a4e-9a53-0c2f1e8b9d10", "bookedBy": "PortalCustomer", "salesforceId": "sf-1",
              "employeeId": "0c3b8f6e-2a44-4b7e-8d8e-1f9e2d3c4b5a", "customerId": "c-1", "type": "Online",
              "startDate": "2030-03-05T09:00:00Z", "endDate": "2030-03-05T10:00:00Z", "cpr": "010203-1234",
              "dateCreated": "2030-03-04T10:00:00Z", "dateModified": "2030-03-04T10:00:00Z"}
    return Meeting.model_validate({**fields, **changes})


def test_a_change_is_created_cancelled_rescheduled_or_updated():
    before = meeting()
    assert rules.event_type(None, before) == rules.CREATED
    assert rules.event_type(before, None) == rules.CANCELLED
    assert rules.event_type(before, meeting(startDate="2030-03-05T11:00:00Z",
                                            endDate="2030-03-05T12:00:00Z")) == rules.RESCHEDULED
    assert rules.event_type(before, meeting(employeeId="9b1d6e3f-8c2a-4f7b-a1e0-5d4c3b2a1908")) == rules.RESCHEDULED
    assert rules.event_type(before, meeting(roomId="4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0")) == rules.RESCHEDULED
    assert rules.event_type(before, meeting(title="New title")) == rules.UPDATED


def test_the_payload_is_type_timestamp_and_the_meeting_without_cpr():
    entry = rules.event(None, meeting(), AT, "e-1")
    assert entry["id"] == "e-1"
    assert set(entry["payload"]) == {"type", "timestamp", "data"}
    assert entry["payload"]["type"] == "meeting.created"
    assert entry["payload"]["timestamp"] == "2030-03-04T10:00:00.000Z"
    assert entry["payload"]["data"]["id"] == meeting().id
    assert "cpr" not in entry["payload"]["data"]
    assert rules.event(meeting(), None, AT, "e-2")["payload"]["data"]["customerId"] == "c-1"


OUTBOX = Reference("2030-03-05", "outbox:1")


def test_each_subscribed_subscription_gets_one_delivery_with_a_stable_webhook_id():
    entry = rules.event(None, meeting(), AT, "e-1")
    subscriptions = [("s-1", ["meeting.created"]), ("s-2", ["meeting.cancelled"]),
                     ("s-3", ["meeting.created", "meeting.updated"])]
    found = [rules.from_message(m) for m in rules.delivery_messages(OUTBOX, [entry], subscriptions)]
    assert [d.subscription_id for d in found] == ["s-1", "s-3"]
    again = [rules.from_message(m) for m in rules.delivery_messages(OUTBOX, [entry], subscriptions)]
    assert [d.webhook_id for d in found] == [d.webhook_id for d in again]
    assert len({d.webhook_id for d in found}) == 2
    assert rules.webhook_id("e-1", "s-1") != rules.webhook_id("e-2", "s-1")


def test_a_delivery_message_is_a_reference_to_the_event_and_small_whatever_the_meeting():
    huge = meeting(description="æ" * 4000, customFields=[{"key": f"f{n}", "value": "æ" * 2000} for n in range(100)])
    entry = rules.event(None, huge, AT, "e-1")
    (message,) = rules.delivery_messages(OUTBOX, [entry], [("s-1", ["meeting.created"])])
    assert set(message) == {"id", "kind", "day", "outbox", "event", "subscriptionId", "attempt", "firstAttemptAt"}
    assert len(json.dumps(message)) < 400
    assert rules.stored_event({"webhookEvents": [entry]}, message["event"]) == entry["payload"]


def test_an_event_nobody_subscribes_to_is_not_kept():
    created, cancelled = rules.event(None, meeting(), AT, "e-1"), rules.event(meeting(), None, AT, "e-2")
    assert rules.wanted([created, cancelled], [("s-1", ["meeting.cancelled"])]) == [cancelled]
    assert rules.wanted([created], []) == []


def test_a_delivery_survives_its_queue_message_and_keeps_its_webhook_id_on_retries():
    (message,) = rules.delivery_messages(OUTBOX, [rules.event(None, meeting(), AT, "e-1")],
                                         [("s-1", ["meeting.created"])])
    first = rules.from_message(message)
    again = rules.from_message(rules.to_message(rules.retried(first, AT)))
    assert (again.webhook_id, again.attempt, again.outbox, again.event_id) == (first.webhook_id, 2, OUTBOX, "e-1")
    assert again.first_attempt_at == "2030-03-04T10:00:00.000Z"
    assert rules.to_message(first)["id"] != rules.to_message(again)["id"]
    assert rules.to_message(first) == message, "a re-published delivery is the same message, id included"


@pytest.mark.parametrize("message", [{}, {"kind": "meetingInvitation"}, {"kind": rules.DELIVERY, "payload": {}},
                                     {"kind": rules.DELIVERY, "day": "d", "outbox": "o", "event": "e",
                                      "subscriptionId": "s", "attempt": 0},
                                     {"kind": rules.DELIVERY, "day": "d", "event": "e", "subscriptionId": "s",
                                      "attempt": 1}, [], "text"])
def test_other_messages_are_not_deliveries(message):
    with pytest.raises(ValueError):
        rules.from_message(message)


def test_the_retry_schedule_gives_one_wait_per_retry_then_none():
    schedule = rules.parse_schedule("00:00:01, 00:00:02,PT3S")
    assert [rules.next_wait(schedule, n) for n in (1, 2, 3, 4)] == [
        timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=3), None]


def test_the_default_retry_schedule_keeps_trying_for_more_than_24_hours():
    schedule = rules.parse_schedule(Settings.model_fields["WEBHOOK_RETRY_SCHEDULE"].default)
    assert sum(schedule, timedelta()) >= timedelta(hours=24)
    assert list(schedule) == sorted(schedule)


@pytest.mark.parametrize("text", ["00:00:00", "-00:00:05", "soon", "00:00:05,,x", ",".join(["00:00:01"] * 10),
                                  "1.00:00:00,1.00:00:01"])
def test_a_retry_schedule_not_positive_over_ten_attempts_or_over_two_days_is_refused(text):
    with pytest.raises(ValueError):
        rules.parse_schedule(text)
