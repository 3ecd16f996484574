"""NCRONTAB schedules as the Functions timer trigger reads them:
`{second} {minute} {hour} {day} {month} {day-of-week}`."""

from datetime import datetime, timedelta

_RANGES = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)]
_NAMES = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6,
          "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
          "oct": 10, "nov": 11, "dec": 12}


def _value(text: str) -> int:
    return _NAMES[text.lower()] if text.lower() in _NAMES else int(text)


def _field(text: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        base, _, step = part.partition("/")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            start, end = (_value(v) for v in base.split("-", 1))
        else:
            start = end = _value(base)
            if step:
                end = high
        values.update(range(start, end + 1, int(step) if step else 1))
    weekday = (low, high) == _RANGES[5]
    if not values or min(values) < low or max(values) > high + (1 if weekday else 0):
        raise ValueError(f"'{text}' is out of range {low}-{high}")
    # Day-of-week 7 is Sunday as well as 0; no other field has that alias.
    return frozenset(0 if weekday and v == 7 else v for v in values)


class Schedule:
    def __init__(self, expression: str):
        fields = expression.split()
        if len(fields) != 6:
            raise ValueError(f"NCRONTAB needs six fields (second minute hour day month day-of-week): {expression!r}")
        self.expression = expression
        self.seconds, self.minutes, self.hours, self.days, self.months, self.weekdays = (
            _field(text, low, high) for text, (low, high) in zip(fields, _RANGES, strict=True)
        )

    def next_after(self, moment: datetime) -> datetime:
        """The first occurrence strictly after `moment`."""
        candidate = moment.replace(microsecond=0) + timedelta(seconds=1)
        for _ in range(4 * 366 * 24 * 60):
            if (candidate.month in self.months and candidate.day in self.days
                    and (candidate.weekday() + 1) % 7 in self.weekdays and candidate.hour in self.hours):
                if candidate.minute in self.minutes:
                    for second in sorted(self.seconds):
                        if second >= candidate.second:
                            return candidate.replace(second=second)
                candidate = candidate.replace(second=0) + timedelta(minutes=1)
            else:
                candidate = candidate.replace(minute=0, second=0) + timedelta(hours=1)
        raise ValueError(f"{self.expression!r} never fires")
