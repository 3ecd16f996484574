"""Erasure of a meeting's personal data: the fields, the history, selection and batches."""

from datetime import UTC, datetime, timedelta

from shared.rules.history import changes, history_document, record, tombstone
from shared.rules.personal_data import (
    MASK,
    PERSONAL_MODEL_FIELDS,
    due_for_erasure,
    erase_fields,
    erased_copy,
    erased_meeting,
    holds_personal_data,
    meeting_needs_erasure,
    retention_cutoff,
    scrub_history,
)

MEETING = {"id": "m1", "title": "Pension", "cpr": "311299-9876", "description": "Loan", "videoLink": "https://v/1",
           "customFields": [{"key": "phone", "value": "+4512345678"}],
           "externalAttendees": [{"name": "Gæst", "email": "guest@example.com"}], "customerId": "c1"}


def test_erasure_empties_the_personal_fields_and_keeps_the_rest():
    erased = erase_fields(MEETING)
    assert erased == {**MEETING, "cpr": None, "description": "", "videoLink": "", "customFields": [],
                      "externalAttendees": []}
    assert erase_fields(erased) == erased


def test_fields_that_were_never_set_stay_as_they_were():
    bare = {"id": "m2", "cpr": None, "description": None, "videoLink": None, "customFields": [],
            "externalAttendees": []}
    assert erase_fields(bare) == bare
    assert not holds_personal_data(bare)


def test_the_history_keeps_its_operations_but_no_erased_value():
    history = [{"at": "t", "action": "Created", "actor": "a", "changes": changes(None, MEETING)},
               {"at": "t", "action": "Updated", "actor": "a",
                "changes": [{"op": "replace", "path": "/description", "value": "New loan"},
                            {"op": "replace", "path": "/title", "value": "Kept"},
                            {"op": "remove", "path": "/videoLink"}]}]
    scrubbed = scrub_history(history)
    text = str(scrubbed)
    for secret in ("Loan", "New loan", "https://v/1", "Gæst", "guest@", "+4512345678", "311299"):
        assert secret not in text
    assert {"op": "replace", "path": "/title", "value": "Kept"} in scrubbed[1]["changes"]
    assert {"op": "replace", "path": "/description", "value": MASK} in scrubbed[1]["changes"]
    assert [len(r["changes"]) for r in scrubbed] == [len(r["changes"]) for r in history]
    assert scrub_history(scrubbed) == scrubbed


def test_a_meeting_holds_personal_data_until_fields_and_history_are_erased():
    history = [{"changes": [{"op": "add", "path": "/description", "value": "Loan"}]}]
    assert holds_personal_data(MEETING, [])
    assert holds_personal_data(erase_fields(MEETING), history)
    assert not holds_personal_data(erase_fields(MEETING), scrub_history(history))


def test_meetings_that_ended_before_the_retention_cutoff_and_were_not_erased_are_due():
    now = datetime(2046, 1, 10, 12, tzinfo=UTC)
    cutoff = retention_cutoff(now, timedelta(days=365))
    assert cutoff == datetime(2045, 1, 10, 12, tzinfo=UTC)
    ended = {"type": "meeting", "endDate": "2045-01-10T11:59:59.999Z"}
    assert due_for_erasure(ended, cutoff)
    assert due_for_erasure({**ended, "type": "cancelledMeeting", "personalData": True}, cutoff)
    assert not due_for_erasure({**ended, "personalData": False}, cutoff)
    assert not due_for_erasure({**ended, "endDate": "2045-01-10T12:00:00.000Z"}, cutoff)
    assert not due_for_erasure({**ended, "type": "reservation"}, cutoff)


AT = datetime(2045, 2, 1, 12, tzinfo=UTC)
STORED = {**MEETING, "pk": "2045-01-05", "type": "meeting", "dateModified": "2045-01-01T00:00:00.000Z",
          "historyLength": 1, "personalData": True, "_etag": "e1", "_rid": "r"}
CREATED = history_document("m1", "c1", "2045-01-05", 0, record(AT, "a", None, MEETING))


def test_an_erased_meeting_is_marked_with_its_erasure_instant_and_makes_room_for_the_updated_record():
    erased, before, after = erased_meeting(STORED, AT, '"v2"')
    assert erased["cpr"] is None and erased["customFields"] == [] and erased["description"] == ""
    assert erased["dateModified"] == "2045-02-01T12:00:00.000Z" and erased["erasedAt"] == erased["dateModified"]
    assert erased["personalData"] is False and "_etag" not in erased and "_rid" not in erased
    assert erased["historyLength"] == 2
    assert before["cpr"] == "311299-9876" and after["cpr"] is None
    assert not meeting_needs_erasure(erased)


def test_a_history_record_keeps_its_operations_but_no_erased_value():
    scrubbed = erased_copy(CREATED)
    assert scrubbed is not None and "Loan" not in str(scrubbed) and "https://v/1" not in str(scrubbed)
    assert len(scrubbed["changes"]) == len(CREATED["changes"])
    assert erased_copy(scrubbed) is None, "a scrubbed record needs nothing more"


def test_a_kept_answer_answers_the_erased_meeting():
    answer = {"id": "idem:1", "type": "idempotency", "body": {**MEETING}, "customerId": "c1"}
    erased = erased_copy(answer)
    assert erased["body"] == erase_fields(MEETING)
    assert erased_copy(erased) is None


def test_a_cancelled_meeting_holds_no_personal_field_and_is_erased_only_by_its_flag():
    cancelled = tombstone(STORED, AT)
    assert cancelled["type"] == "cancelledMeeting" and "cpr" not in cancelled and "description" not in cancelled
    assert meeting_needs_erasure(cancelled)
    erased, before, after = erased_meeting(cancelled, AT, '"v2"')
    assert (before, after) == ({}, {}) and erased["personalData"] is False
    assert not meeting_needs_erasure(erased)


def test_the_models_hide_exactly_the_personal_fields_from_their_reprs():
    from shared.models.meetings import Meeting, MeetingCreate

    for model in (Meeting, MeetingCreate):
        hidden = {name for name, info in model.model_fields.items() if not info.repr}
        assert hidden == set(PERSONAL_MODEL_FIELDS), model.__name__


def test_writes_are_cut_into_batches_under_the_operation_and_byte_limits():
    from shared.rules.sizes import cut_by_size

    assert [len(g) for g in cut_by_size([(f"a{i}", 10) for i in range(100)], budget=10_000, count=45)] == [45, 45, 10]
    assert cut_by_size([("big", 900), ("small", 200), ("more", 100)], budget=1000) == [["big"], ["small", "more"]]
    assert cut_by_size([("huge", 5000)], budget=1000) == [["huge"]], "alone, and the write says what is wrong"


def _outbox(holds_personal_text: bool = True) -> dict:
    """An outbox document as a portal booking writes it: the advisor, an external attendee (personal)."""
    from shared.rules.ical import CANCEL, REQUEST, Invitation, Person
    from shared.rules.notifications import Notice
    from shared.rules.outbox import outbox_document

    advisor, guest = Person("advisor@bank.example", "R"), Person("guest@example.com", "G", personal=True)
    invitation = Invitation("m1@bookme", 0, AT, AT, AT, "Pension", Person("bookme@bank.example"), (advisor, guest),
                            advisor.email, "Loan\n\nhttps://v/1", "https://v/1", "https://v/1", holds_personal_text)
    notices = [Notice(REQUEST, invitation, (advisor,)), Notice(CANCEL, invitation, (guest,))]
    event = {"id": "e1", "payload": {"type": "meeting.created", "timestamp": "t", "data": MEETING}}
    return outbox_document("outbox:1", "2045-01-05", AT, notices, [event], [MEETING])


def test_an_outbox_loses_customer_given_addresses_the_meetings_own_text_and_its_events_personal_fields():
    document = _outbox()
    assert document["customerId"] == "c1" and document["meetingId"] == "m1", "what erasure selects it by"
    erased = erased_copy(document)
    text = str(erased)
    for secret in ("guest@example.com", "Loan", "https://v/1", "311299", "+4512345678", "Gæst"):
        assert secret not in text
    assert [n["method"] for n in erased["notices"]] == ["REQUEST"], "the CANCEL had nobody left to mail"
    assert erased["notices"][0]["id"] == document["notices"][0]["id"]
    (invitation,) = erased["invitations"]
    assert [p["email"] for p in invitation["attendees"]] == ["advisor@bank.example"]
    assert (invitation["description"], invitation["url"], invitation["location"]) == (None, None, None)
    assert erased["webhookEvents"][0]["payload"]["data"] == erase_fields(MEETING)
    assert erased_copy(erased) is None, "erasing twice writes nothing"


def test_the_organizations_default_description_stays_in_an_erased_outbox():
    erased = erased_copy(_outbox(holds_personal_text=False))
    assert erased["invitations"][0]["description"] == "Loan\n\nhttps://v/1"
