"""Days a customer may book (contract section 20): weekdays within the organization's booking
horizon that are not closing days, for API tests of customer bookings."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta


def bookable_days(api, first_offset: int = 3) -> Iterator[datetime]:
    """Midnight UTC of each coming weekday from `first_offset` days ahead that is no closing day."""
    settings = api.get("/bookme/config/organization-settings").json()
    closed = {day[:10] for day in settings.get("closingDays", [])}
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=first_offset)
    while True:
        if day.weekday() < 5 and day.date().isoformat() not in closed:
            yield day
        day += timedelta(days=1)


def weekday_schedule(employee_id: str, start: str = "06:00:00", end: str = "20:00:00", location: str = "CPH-HQ",
                     **fields) -> dict:
    """A Monday-to-Friday schedule body offering every meeting type."""
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    return {"employeeId": employee_id, **fields, "workdays": [
        {"dayOfWeek": d, "from": start, "to": end, "location": location,
         "availableMeetingTypes": [{"type": t} for t in ("Physical", "Online", "Telephone", "Offsite")]}
        for d in days]}
