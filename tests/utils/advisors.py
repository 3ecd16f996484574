"""API test builders: a fresh advisor (directory entry and weekday schedule), bookings of it."""

import uuid
from datetime import datetime, timedelta

from shared.models.common import format_utc as iso
from tests.utils.near_days import weekday_schedule


def new_advisor(api, location: str = "CPH-HQ", schedule: bool = True, **schedule_fields) -> str:
    employee_id = str(uuid.uuid4())
    response = api.put(f"/employees/{employee_id}", json={"name": f"Advisor {employee_id[:8]}", "location": location,
                                                          "email": f"a{employee_id[:8]}@bank.example"})
    assert response.status_code == 201, response.text
    if schedule:
        body = weekday_schedule(employee_id, **{"start": "08:00:00", "end": "16:00:00", "location": location,
                                                **schedule_fields})
        response = api.post("/bookme/config/employee-schedules", json=body)
        assert response.status_code == 201, response.text
    return employee_id


def meeting(employee_id: str, start: datetime, minutes: int = 60, **fields) -> dict:
    return {"bookedBy": "Customer", "salesforceId": "sf-10", "employeeId": employee_id, "customerId": "c-10",
            "type": "Online", "startDate": iso(start), "endDate": iso(start + timedelta(minutes=minutes)), **fields}


def local(day: datetime, hour: float) -> datetime:
    """`hour` o'clock Copenhagen time on `day` (midnight UTC), whatever the season."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Copenhagen")
    wall = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(hours=hour)
    return wall.astimezone(day.tzinfo)
