"""Locations are free text (a workday's location, a room's, an employee's) compared with a
Location's identifier: one rule for all of them. Pure."""


def location_key(text: str) -> str:
    """A location as compared: ignoring case and surrounding spaces."""
    return text.strip().casefold()


def same_location(first: str | None, second: str | None) -> bool:
    return first is not None and second is not None and location_key(first) == location_key(second)


def meeting_location(workday_location: str | None, directory_location: str | None) -> str | None:
    """Where an employee works on a date: the workday's location, else their directory location."""
    for location in (workday_location, directory_location):
        if location and location.strip():
            return location.strip()
    return None
