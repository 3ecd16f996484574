"""Section 21: the CPR number only for BookMe.Admin or BookMe.PersonalData."""

from datetime import UTC, datetime

import pytest

from shared.errors import Forbidden
from shared.models.meetings import Meeting
from shared.ports import Versioned
from shared.rules.cpr_access import check_patch_reads, shown_to

NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)
MEETING = Meeting(id="3fa85f64-5717-4562-b3fc-2c963f66afa6", booked_by="PortalCustomer", salesforce_id="s",
                  employee_id="3fa85f64-5717-4562-b3fc-2c963f66afa7", customer_id="c", type="Online",
                  start_date=NOW, end_date=NOW, date_created=NOW, date_modified=NOW, cpr="010190-1234")


@pytest.mark.parametrize("roles", [{"BookMe.Admin"}, {"BookMe.PersonalData"}, {"BookMe.Config", "BookMe.PersonalData"}])
def test_admins_and_personal_data_readers_see_the_cpr_number(roles):
    assert shown_to(Versioned(MEETING, "e"), frozenset(roles)).item.cpr == "010190-1234"


@pytest.mark.parametrize("roles", [set(), {"BookMe.Config"}, {"bookme.admin"}])
def test_everyone_else_sees_null_and_the_same_etag(roles):
    shown = shown_to(Versioned(MEETING, "e"), frozenset(roles))
    assert (shown.item.cpr, shown.etag, shown.item.customer_id) == (None, "e", "c")


@pytest.mark.parametrize("operation", [
    {"op": "test", "path": "/cpr", "value": "010190-1234"},
    {"op": "copy", "from": "/cpr", "path": "/description"},
    {"op": "move", "from": "/cpr", "path": "/title"},
    {"op": "copy", "from": "", "path": "/description"},
])
def test_a_patch_may_not_read_the_cpr_number_without_the_role(operation):
    with pytest.raises(Forbidden):
        check_patch_reads([operation], frozenset({"BookMe.Config"}))
    check_patch_reads([operation], frozenset({"BookMe.PersonalData"}))


def test_writing_the_cpr_number_needs_no_role():
    check_patch_reads([{"op": "replace", "path": "/cpr", "value": "010190-1234"}, {"op": "remove", "path": "/cpr"}],
                      frozenset())


def test_a_replayed_answer_is_masked_like_a_fresh_one():
    kept = MEETING.to_json()
    assert shown_to(kept, frozenset({"BookMe.Config"}))["cpr"] is None
    assert shown_to(kept, frozenset({"BookMe.PersonalData"}))["cpr"] == "010190-1234"
    assert kept["cpr"] == "010190-1234", "the kept answer itself is not changed"
