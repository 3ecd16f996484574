"""Erasure of a meeting's personal data: the fields, the history, selection and batches."""

from datetime import UTC, datetime, timedelta

from shared.rules.history import MASK, changes, tombstone
from shared.rules.personal_data import (
    batches,
    due_for_erasure,
    erase_fields,
    erased_document,
    erased_outbox,
    holds_personal_data,
    outbox_to_erase,
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


def test_writes_are_cut_per_day_into_batches_under_the_operation_limit():
    ids = {"2045-01-06": [f"b{i}" for i in range(5)], "2045-01-05": [f"a{i}" for i in range(200)]}
    cut = list(batches(ids, limit=90))
    assert [(day, len(group)) for day, group in cut] == [("2045-01-05", 90), ("2045-01-05", 90),
                                                        ("2045-01-05", 20), ("2045-01-06", 5)]
    assert [i for _, group in cut for i in group] == ids["2045-01-05"] + ids["2045-01-06"]


AT = datetime(2045, 2, 1, 12, tzinfo=UTC)
STORED = {**MEETING, "pk": "2045-01-05", "type": "meeting", "dateModified": "2045-01-01T00:00:00.000Z",
          "_etag": "e1", "_rid": "r", "history": [{"at": "t", "action": "Created", "actor": "a",
                                                   "changes": changes(None, MEETING)}]}


def test_an_erased_document_records_an_update_by_the_caller_and_its_erasure_instant():
    erased = erased_document(STORED, AT, "oid-9")
    assert erased["cpr"] is None and erased["customFields"] == [] and erased["description"] == ""
    assert erased["dateModified"] == "2045-02-01T12:00:00.000Z" and erased["erasedAt"] == erased["dateModified"]
    assert erased["personalData"] is False and "_etag" not in erased and "_rid" not in erased
    last = erased["history"][-1]
    assert (last["action"], last["actor"], last["at"]) == ("Updated", "oid-9", "2045-02-01T12:00:00.000Z")
    assert {"op": "replace", "path": "/cpr", "value": None} in last["changes"]
    assert "Loan" not in str(erased["history"]) and "guest@example.com" not in str(erased)


def test_erasing_twice_writes_nothing_the_second_time():
    assert erased_document(erased_document(STORED, AT, "a"), AT, "a") is None


def test_a_cancelled_meeting_keeps_its_history_and_only_that_is_scrubbed():
    cancelled = tombstone(STORED, STORED["history"], AT)
    assert cancelled["type"] == "cancelledMeeting" and "cpr" not in cancelled and "description" not in cancelled
    erased = erased_document(cancelled, AT, "oid-9")
    assert "Loan" not in str(erased) and erased["history"][-1]["changes"] == []
    assert erased_document(erased, AT, "oid-9") is None


def _outbox(holds_personal_text: bool = True, **fields) -> dict:
    """An outbox document as a portal booking writes it: the advisor, an external attendee (personal)."""
    from shared.rules.ical import CANCEL, REQUEST, Invitation, Person
    from shared.rules.notifications import Notice
    from shared.rules.outbox import outbox_document

    advisor, guest = Person("advisor@bank.example", "R"), Person("guest@example.com", "G", personal=True)
    invitation = Invitation("m1@bookme", 0, AT, AT, AT, "Pension", Person("bookme@bank.example"), (advisor, guest),
                            advisor.email, "Loan\n\nhttps://v/1", "https://v/1", "https://v/1", holds_personal_text)
    notices = [Notice(REQUEST, invitation, (advisor,)), Notice(CANCEL, invitation, (guest,))]
    event = {"id": "e1", "payload": {"type": "meeting.created", "timestamp": "t", "data": MEETING}}
    return {**outbox_document("outbox:1", "2045-01-05", AT, notices, [event], [MEETING]), "_etag": "e", **fields}


def test_an_outbox_loses_customer_given_addresses_the_meetings_own_text_and_its_events_personal_fields():
    document = _outbox()
    erased = erased_outbox(document, AT)
    text = str(erased)
    for secret in ("guest@example.com", "Loan", "https://v/1", "311299", "+4512345678", "Gæst"):
        assert secret not in text
    assert [n["method"] for n in erased["notices"]] == ["REQUEST"], "the CANCEL had nobody left to mail"
    assert erased["notices"][0]["id"] == document["notices"][0]["id"]
    (invitation,) = erased["invitations"]
    assert [p["email"] for p in invitation["attendees"]] == ["advisor@bank.example"]
    assert (invitation["description"], invitation["url"], invitation["location"]) == (None, None, None)
    assert erased["webhookEvents"][0]["payload"]["data"] == erase_fields(MEETING)
    assert (erased["personalData"], erased["erasedAt"], "_etag" in erased) == (False, "2045-02-01T12:00:00.000Z",
                                                                               False)
    assert erased_outbox(erased, AT) is None, "erasing twice writes nothing"


def test_the_organizations_default_description_stays_in_an_erased_outbox():
    erased = erased_outbox(_outbox(holds_personal_text=False), AT)
    assert erased["invitations"][0]["description"] == "Loan\n\nhttps://v/1"


def test_outboxes_of_the_customer_or_of_meetings_ended_before_the_cutoff_are_selected_until_erased():
    document = _outbox()
    assert outbox_to_erase(document, customer_id="c1")
    assert not outbox_to_erase(document, customer_id="c2")
    assert outbox_to_erase(document, ended_before=datetime(2030, 1, 1, tzinfo=UTC)) is False
    assert outbox_to_erase({**document, "endDate": "2045-01-05T10:00:00.000Z"}, ended_before=AT)
    assert not outbox_to_erase(erased_outbox(document, AT), customer_id="c1")
    assert not outbox_to_erase({**document, "type": "meeting"}, customer_id="c1")
