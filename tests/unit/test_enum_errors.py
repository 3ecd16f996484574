"""An unknown enum value is refused with the values that are allowed, wherever the enum appears:
a body (validated strictly), a query, a nested object, a list, and the result of a JSON Patch."""

import pytest
from pydantic import TypeAdapter, ValidationError

from functions.request_parsing import parse_query
from shared.errors import InvalidRequest
from shared.models.meetings import MeetingCreate
from shared.models.reservations import ReserveRequest
from shared.models.schedules import EmployeeSchedule
from shared.models.time_slots import AvailableSlotsQuery
from shared.rules.patching import apply_patch
from shared.rules.validation import validation_errors

BOOKED_BY = "Input should be 'Employee', 'Customer', 'PortalPartner' or 'PortalCustomer' (any letter case)"
MEETING_TYPE = "Input should be 'Physical', 'Online', 'Telephone' or 'Offsite' (any letter case)"
EMPLOYEE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _body_errors(kind, document) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        TypeAdapter(kind).validate_python(document, strict=True)
    return validation_errors(raised.value)


@pytest.mark.parametrize("value", ["Nobody", 5, None, ["Employee"]])
def test_an_unknown_value_in_a_body_lists_the_allowed_values(value):
    errors = _body_errors(MeetingCreate, {"bookedBy": value, "salesforceId": "s", "employeeId": EMPLOYEE,
                                          "customerId": "c", "type": "online"})
    assert errors == {"bookedBy": [BOOKED_BY]}


def test_a_single_allowed_value_is_named_alone():
    errors = _body_errors(ReserveRequest, {"timeSlot": {"startDate": "2030-01-07T09:00:00Z",
                                                        "endDate": "2030-01-07T10:00:00Z", "status": "Free"},
                                           "token": EMPLOYEE})
    assert errors == {"timeSlot.status": ["Input should be 'Reserved' (any letter case)"]}


def test_an_unknown_value_in_a_list_of_nested_objects_names_its_place_and_the_allowed_values():
    workday = {"dayOfWeek": "Funday", "from": "08:00:00", "to": "16:00:00", "isAvailable": True,
               "availableMeetingTypes": [{"type": "hologram"}]}
    errors = _body_errors(EmployeeSchedule, {"employeeId": EMPLOYEE, "workdays": [workday]})
    assert errors["workdays.0.dayOfWeek"] == [
        "Input should be 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday' or 'Sunday' "
        "(any letter case)"]
    assert errors["workdays.0.availableMeetingTypes.0.type"] == [MEETING_TYPE]


def test_an_unknown_value_in_a_query_lists_the_allowed_values_as_in_a_body():
    with pytest.raises(InvalidRequest) as raised:
        parse_query({"meetingTypes": ["physical,hologram"], "requireEmployeeParticipation": ["false"]},
                    AvailableSlotsQuery)
    assert raised.value.errors == {"meetingTypes.1": [MEETING_TYPE]}


def test_a_patch_whose_result_holds_an_unknown_value_lists_the_allowed_values():
    meeting = {"bookedBy": "Employee", "salesforceId": "s", "employeeId": EMPLOYEE, "customerId": "c",
               "type": "Online"}
    with pytest.raises(InvalidRequest) as raised:
        apply_patch(meeting, [{"op": "replace", "path": "/type", "value": "Hologram"}], MeetingCreate)
    assert raised.value.errors == {"type": [MEETING_TYPE]}


def test_values_in_any_letter_case_are_still_accepted():
    parsed = TypeAdapter(MeetingCreate).validate_python(
        {"bookedBy": " portalCUSTOMER ", "salesforceId": "s", "employeeId": EMPLOYEE, "customerId": "c",
         "type": "ONLINE"}, strict=True)
    assert (parsed.booked_by.value, parsed.type.value) == ("PortalCustomer", "Online")
