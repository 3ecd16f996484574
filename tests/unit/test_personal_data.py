"""Erasure of a meeting's personal data: the fields, the history, selection and batches."""

from datetime import UTC, datetime, timedelta

from shared.rules.history import MASK, changes
from shared.rules.personal_data import (
    batches,
    due_for_erasure,
    erase_fields,
    holds_personal_data,
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


def test_meetings_that_ended_before_the_retention_cutoff_are_due():
    now = datetime(2046, 1, 10, 12, tzinfo=UTC)
    cutoff = retention_cutoff(now, timedelta(days=365))
    assert cutoff == "2045-01-10T12:00:00.000Z"
    assert due_for_erasure("2045-01-10T11:59:59.999Z", cutoff)
    assert not due_for_erasure("2045-01-10T12:00:00.000Z", cutoff)


def test_writes_are_cut_per_day_into_batches_under_the_operation_limit():
    ids = {"2045-01-06": [f"b{i}" for i in range(5)], "2045-01-05": [f"a{i}" for i in range(200)]}
    cut = list(batches(ids, limit=90))
    assert [(day, len(group)) for day, group in cut] == [("2045-01-05", 90), ("2045-01-05", 90),
                                                        ("2045-01-05", 20), ("2045-01-06", 5)]
    assert [i for _, group in cut for i in group] == ids["2045-01-05"] + ids["2045-01-06"]
