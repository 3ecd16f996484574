"""Sizes over real HTTP (contract section 22): what cannot be stored is a 400 naming the field,
before anything is saved; a long history never blocks a change or the cancellation."""

from datetime import timedelta

from tests.utils.http_builders import book, new_day, new_employee, new_portal, times


def portal_booking(api, employee_id, start, portal, fields):
    return api.post("/meetings", json={
        "bookedBy": "PortalPartner", "portalId": portal["id"], "salesforceId": "sf", "employeeId": employee_id,
        "customerId": "c-size", "type": "Online", **times(start), "customFields": fields})


def test_a_booking_too_large_to_store_is_a_400_naming_the_field_and_books_nothing(api):
    employee_id, _ = new_employee(api)
    portal = new_portal(api, fields=[{"name": f"f{i}"} for i in range(100)])
    start = new_day() + timedelta(hours=9)
    response = portal_booking(api, employee_id, start, portal,
                              [{"key": f"f{i}", "value": "æ" * 2000} for i in range(100)])
    assert response.status_code == 400, response.text
    assert list(response.json()["errors"]) == ["customFields"]
    book(api, employee_id, start)  # the time was never taken


def test_a_custom_field_value_over_the_portals_limit_is_a_400_naming_the_field(api):
    employee_id, _ = new_employee(api)
    portal = new_portal(api, fields=[{"name": "note"}])
    response = portal_booking(api, employee_id, new_day() + timedelta(hours=9), portal,
                              [{"key": "note", "value": "x" * 4000}])
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == {"customFields.note": ["At most 2000 characters."]}


def test_a_hundred_large_changes_leave_the_meeting_changeable_and_cancellable(api):
    employee_id, _ = new_employee(api)
    meeting = book(api, employee_id, new_day() + timedelta(hours=9))
    for round in range(100):
        text = f"{round:03d}" + "æ" * 3990
        response = api.patch(f"/meetings/{meeting['id']}", json=[{"op": "replace", "path": "/description",
                                                                   "value": text}])
        assert response.status_code == 200, response.text
    assert api.delete(f"/meetings/{meeting['id']}").status_code == 204
    history = api.get(f"/meetings/{meeting['id']}/history").json()
    assert len(history) == 102 and history[-1]["action"] == "Cancelled"
