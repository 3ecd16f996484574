"""History records: the RFC 6902 diff between two Meeting JSON states, its action, and masking."""

from datetime import UTC, datetime

import jsonpatch

from shared.models.history import HistoryAction
from shared.rules.history import action_for, changes, record
from shared.rules.personal_data import MASK, mask_value

MEETING = {"id": "m1", "title": "Pension", "startDate": "2045-01-05T09:00:00.000Z",
           "endDate": "2045-01-05T10:00:00.000Z", "employeeId": "e1", "roomId": None, "cpr": "311299-9876",
           "description": "Talk about the loan", "customFields": [{"key": "phone", "value": "+4512345678"}],
           "externalAttendees": [{"name": "Gæst", "email": "guest@example.com"}], "additionalEmployees": []}


def test_a_creation_adds_every_field_with_personal_values_masked():
    ops = changes(None, MEETING)
    by_path = {op["path"]: op for op in ops}
    assert {op["op"] for op in ops} == {"add"}
    assert by_path["/cpr"]["value"] == MASK
    assert by_path["/customFields"]["value"] == [{"key": "phone", "value": MASK}]
    assert by_path["/externalAttendees"]["value"] == [{"name": "Gæst", "email": MASK}]
    assert by_path["/title"]["value"] == "Pension"


def test_the_diff_applied_to_the_previous_state_gives_the_new_one_when_nothing_personal_changed():
    after = {**MEETING, "title": "Pension 2", "additionalEmployees": ["e2"]}
    ops = changes(MEETING, after)
    assert jsonpatch.apply_patch(MEETING, ops) == after


def test_a_changed_attendee_address_and_custom_field_value_are_masked_but_their_paths_kept():
    after = {**MEETING, "customFields": [{"key": "phone", "value": "+4587654321"}],
             "externalAttendees": [{"name": "Gæst", "email": "other@example.com"}], "cpr": "010101-1234"}
    ops = changes(MEETING, after)
    assert {"op": "replace", "path": "/customFields/0/value", "value": MASK} in ops
    assert {"op": "replace", "path": "/externalAttendees/0/email", "value": MASK} in ops
    assert {"op": "replace", "path": "/cpr", "value": MASK} in ops
    assert "+4587654321" not in str(ops) and "other@example.com" not in str(ops) and "010101" not in str(ops)


def test_an_added_attendee_is_masked_item_by_item_and_a_cleared_cpr_stays_null():
    after = {**MEETING, "cpr": None,
             "externalAttendees": [*MEETING["externalAttendees"], {"name": "Ny", "email": "new@example.com"}]}
    ops = changes(MEETING, after)
    assert {"op": "add", "path": "/externalAttendees/1", "value": {"name": "Ny", "email": MASK}} in ops
    assert {"op": "replace", "path": "/cpr", "value": None} in ops


def test_keys_of_custom_fields_and_names_of_paths_escaped_per_rfc_6901_are_handled():
    assert mask_value("/customFields/0/key", "phone") == "phone"
    assert mask_value("/customFields/3/value", "x") == MASK
    assert mask_value("/externalAttendees/-", {"email": "a@b.dk", "name": None}) == {"email": MASK, "name": None}
    assert mask_value("/title~1x", "secret?") == "secret?"
    assert mask_value("", {"cpr": "311299-9876", "title": "t"}) == {"cpr": MASK, "title": "t"}


def test_a_cancellation_removes_every_member_and_holds_no_values():
    ops = changes(MEETING, None)
    assert {op["op"] for op in ops} == {"remove"}
    assert all("value" not in op for op in ops)


def test_time_employee_and_room_changes_are_reschedules_everything_else_an_update():
    assert action_for(None, MEETING) is HistoryAction.CREATED
    assert action_for(MEETING, None) is HistoryAction.CANCELLED
    assert action_for(MEETING, {**MEETING, "startDate": "2045-01-05T08:00:00.000Z"}) is HistoryAction.RESCHEDULED
    assert action_for(MEETING, {**MEETING, "employeeId": "e9"}) is HistoryAction.RESCHEDULED
    assert action_for(MEETING, {**MEETING, "roomId": "r1"}) is HistoryAction.RESCHEDULED
    assert action_for(MEETING, {**MEETING, "additionalEmployees": ["e2"]}) is HistoryAction.UPDATED
    assert action_for(MEETING, {**MEETING, "title": "x"}) is HistoryAction.UPDATED


def test_a_record_names_when_what_and_who():
    at = datetime(2045, 1, 1, 12, tzinfo=UTC)
    made = record(at, "oid-1", MEETING, {**MEETING, "title": "x"})
    assert made == {"at": "2045-01-01T12:00:00.000Z", "action": "Updated", "actor": "oid-1",
                    "changes": [{"op": "replace", "path": "/title", "value": "x"}]}
    assert record(at, "oid-1", MEETING, {**MEETING}, HistoryAction.UPDATED)["changes"] == []
