"""Builders for API tests over HTTP: fresh advisors, portals, days and meetings."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from shared.models.common import format_utc as iso

_days = itertools.count()


def new_day(year: int = 2047) -> datetime:
    """Midnight UTC of a day no other test of the session books on (per year)."""
    return datetime(year, 1, 2, tzinfo=UTC) + timedelta(days=next(_days))


# The demo bank syncs Outlook TwoWay: an Online meeting's Teams link arrives later as a change of
# the meeting (history, invitation, ETag). Advisors of tests about something else opt out of it;
# tests/api/test_outlook.py is about it.
NOT_IN_OUTLOOK = {"outlookSync": False}


def new_employee(api) -> tuple[str, str]:
    employee_id = str(uuid.uuid4())
    email = f"advisor-{employee_id[:8]}@nordhavnbank.example"
    response = api.put(f"/employees/{employee_id}", json={"name": "Rådgiver Test", "email": email,
                                                            "location": "CPH-HQ", **NOT_IN_OUTLOOK})
    assert response.status_code == 201, response.text
    return employee_id, email


def new_portal(api, **fields) -> dict:
    response = api.post("/bookme/config/portals", json={"name": f"Portal {uuid.uuid4().hex[:8]}", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def times(start: datetime, hours: float = 1) -> dict:
    return {"startDate": iso(start), "endDate": iso(start + timedelta(hours=hours))}


def book(api, employee_id: str, start: datetime, **fields) -> dict:
    response = api.post("/meetings", json={"bookedBy": "Employee", "salesforceId": "sf", "employeeId": employee_id,
                                           "customerId": "c", "type": "Online", **times(start), **fields})
    assert response.status_code == 201, response.text
    return response.json()
