"""The outbox's pure rules: what its document says and how long it lives, the pending entry's
attempts and waits, and what a set-aside entry keeps."""

from datetime import UTC, datetime, timedelta

from shared.rules import outbox as rules
from shared.rules.ical import REQUEST, Invitation, Person
from shared.rules.messaging import (
    DUPLICATE_DETECTION_WINDOW,
    MAX_ATTEMPTS,
    MAX_RETRY_SPAN,
    OUTBOX_LIFE,
    SET_ASIDE_LIFE,
    republish_span,
)
from shared.rules.notifications import Notice
from shared.rules.personal_data import erased_copy
from shared.settings import Settings

NOW = datetime(2030, 3, 4, 7, 0, tzinfo=UTC)
FIRST = timedelta(seconds=30)
MEETING = {"id": "m1", "customerId": "c1", "endDate": "2030-03-05T10:00:00.000Z", "description": "Loan",
           "externalAttendees": [{"email": "guest@example.com"}]}


def notice() -> Notice:
    advisor, guest = Person("advisor@bank.example"), Person("guest@example.com", personal=True)
    invitation = Invitation("m1@bookme", 0, NOW, NOW, NOW, "Pension", Person("bookme@bank.example"), (advisor, guest))
    return Notice(REQUEST, invitation, (advisor, guest))


def outbox() -> dict:
    event = {"id": "e1", "payload": {"type": "meeting.created", "timestamp": "t", "data": MEETING}}
    return {**rules.outbox_document("outbox:1", "2030-03-05", NOW, [notice()], [event], [MEETING]), "_etag": "e"}


def test_an_outbox_names_its_meeting_and_customer_and_expires_after_every_message_about_it():
    document = outbox()
    assert (document["meetingId"], document["customerId"]) == ("m1", "c1")
    assert document["ttl"] == OUTBOX_LIFE.total_seconds()
    assert document["expiresAt"] == "2030-03-21T07:00:00.000Z"
    assert OUTBOX_LIFE >= DUPLICATE_DETECTION_WINDOW + MAX_RETRY_SPAN + SET_ASIDE_LIFE


def test_an_erasures_outbox_about_several_meetings_names_them_all_and_holds_no_personal_data():
    erased = [{"id": "m1", "customerId": "c1", "endDate": "a"}, {"id": "m2", "customerId": "c1", "endDate": "b"}]
    events = [{"id": f"e{n}", "payload": {"type": "meeting.updated", "timestamp": "t", "data": m}}
              for n, m in enumerate(erased)]
    document = rules.outbox_document("outbox:2", "2030-03-05", NOW, [], events, erased)
    assert (document["meetingIds"], document["customerId"]) == (["m1", "m2"], "c1")
    assert "meetingId" not in document and erased_copy(document) is None


def test_a_pending_entry_is_due_after_the_first_wait_then_after_doubled_waits():
    entry = {**rules.pending_entry(outbox()), "_etag": "e"}
    assert entry["attempts"] == 1, "the change's own attempt"
    assert not rules.due(entry, NOW + FIRST - timedelta(seconds=1), FIRST)
    assert rules.due(entry, NOW + FIRST, FIRST)
    waits = []
    at = NOW + FIRST
    for _ in range(2, MAX_ATTEMPTS + 1):
        entry = rules.claimed(entry, at, FIRST)
        next_at = datetime.fromisoformat(entry["nextAttemptAt"])
        waits.append(next_at - at)
        assert not rules.due(entry, next_at - timedelta(milliseconds=1), FIRST) and rules.due(entry, next_at, FIRST)
        at = next_at
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert entry["attempts"] == MAX_ATTEMPTS and rules.used_up(entry)
    assert "_etag" not in entry


def test_the_default_re_publishing_ends_within_the_duplicate_detection_window():
    first = Settings.model_fields["OUTBOX_REPUBLISH_AFTER"].default
    assert republish_span(first) == timedelta(hours=4, minutes=15, seconds=30)
    assert republish_span(first) <= DUPLICATE_DETECTION_WINDOW


def test_a_set_aside_entry_keeps_the_reason_and_attempts_and_expires_within_fourteen_days():
    entry = rules.claimed({**rules.pending_entry(outbox()), "attempts": 9, "_etag": "e"}, NOW, FIRST)
    aside = rules.set_aside_entry(entry, "attempt 10 failed: the queue is down", NOW)
    assert (aside["id"], aside["type"], aside["outbox"], aside["attempts"]) == (
        "outbox:1:pending", "outboxSetAside", "outbox:1", 10)
    assert aside["reason"] == "attempt 10 failed: the queue is down" and "nextAttemptAt" not in aside
    assert aside["ttl"] <= SET_ASIDE_LIFE.total_seconds() and aside["expiresAt"] == "2030-03-18T07:00:00.000Z"
    assert not rules.due(aside, NOW + timedelta(days=1), FIRST)


def test_the_queue_messages_of_an_outbox_are_references_to_its_notices():
    document = outbox()
    (message,) = rules.notice_messages(document)
    assert message == {"id": document["notices"][0]["id"], "kind": "meetingInvitation", "day": "2030-03-05",
                       "outbox": "outbox:1"}
