"""Durations as the API writes them: .NET TimeSpan `[d.]hh:mm:ss[.fffffff]`, or ISO 8601."""

import re
from datetime import timedelta

_TIMESPAN = re.compile(r"^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$")
_ISO = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def parse_timespan(text: str) -> timedelta:
    """Parse `04:00:00`, `30.00:00:00` or ISO 8601 `PT4H`; ValueError otherwise."""
    try:
        return _parse(text)
    except OverflowError:
        raise ValueError(f"'{text}' is longer than any duration BookMe can hold") from None


def _parse(text: str) -> timedelta:
    if not isinstance(text, str):
        raise ValueError("a duration must be a string like 04:00:00")
    value = text.strip()
    match = _TIMESPAN.match(value)
    if match:
        sign, days, hours, minutes, seconds, fraction = match.groups()
        if int(hours) > 23 or int(minutes) > 59 or int(seconds or 0) > 59:
            raise ValueError(f"'{text}' is not a valid duration")
        result = timedelta(
            days=int(days or 0),
            hours=int(hours),
            minutes=int(minutes),
            seconds=int(seconds or 0),
            microseconds=int((fraction or "0").ljust(7, "0")) // 10,
        )
        return -result if sign else result
    match = _ISO.match(value.upper())
    if match and value.upper() not in ("P", "PT") and not value.upper().endswith("T"):
        sign, weeks, days, hours, minutes, seconds = match.groups()
        result = timedelta(
            weeks=float(weeks or 0),
            days=float(days or 0),
            hours=float(hours or 0),
            minutes=float(minutes or 0),
            seconds=float(seconds or 0),
        )
        return -result if sign else result
    raise ValueError(f"'{text}' is not a duration like 04:00:00, 30.00:00:00 or PT4H")


def format_timespan(value: timedelta) -> str:
    """Format as .NET TimeSpan: `04:00:00`, `30.00:00:00`, `00:00:01.5000000`."""
    negative = value < timedelta(0)
    value = abs(value)
    days = value.days
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if value.microseconds:
        text += f".{value.microseconds * 10:07d}"
    if days:
        text = f"{days}.{text}"
    return f"-{text}" if negative else text
