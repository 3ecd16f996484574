"""Value types every BookMe model shares: camelCase JSON, UTC instants, TimeSpans, ids."""

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError, core_schema

from shared.rules.timespan import format_timespan, parse_timespan


class ApiModel(BaseModel):
    """Base of every API model: camelCase on the wire, unknown properties ignored."""

    # defer_build: a model's validator is built on its first use, not when the app is imported,
    # so a cold instance builds only the models of the requests it serves.
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore", defer_build=True)

    def to_json(self, **kwargs: Any) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, **kwargs)


class ApiEnum(str, Enum):
    """An enum accepted case-insensitively and written PascalCase."""

    @classmethod
    def _missing_(cls, value: object) -> "ApiEnum | None":
        if isinstance(value, str):
            for member in cls:
                if member.value.lower() == value.strip().lower():
                    return member
        return None

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        # Strings become members before the enum check, so strictly validated JSON bodies
        # still take enum values in any case. Anything else is refused here, with the allowed
        # values, wherever the enum appears (strict validation would only say "an instance of").
        def member(value: Any) -> Any:
            if isinstance(value, cls):
                return value
            found = cls._missing_(value)
            if found is None:
                raise PydanticCustomError("enum", "Input should be {expected} (any letter case)",
                                          {"expected": cls.allowed()})
            return found

        return core_schema.no_info_before_validator_function(member, handler(source))

    @classmethod
    def allowed(cls) -> str:
        """The values, as a message lists them: 'A', 'B' or 'C'."""
        quoted = [f"'{member.value}'" for member in cls]
        return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"

    def __str__(self) -> str:
        return self.value


class MeetingType(ApiEnum):
    PHYSICAL = "Physical"
    ONLINE = "Online"
    TELEPHONE = "Telephone"
    OFFSITE = "Offsite"


EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def parse_iso(text: str, what: str = "ISO 8601 date-time") -> datetime:
    """An ISO 8601 date or date-time, a trailing Z included, as written (naive when no offset)."""
    value = text.strip()
    try:
        return datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in "zZ" else value)
    except ValueError:
        raise ValueError(f"'{text}' is not an {what}") from None


def parse_utc(value: Any) -> Any:
    """ISO 8601 to an aware UTC datetime; an input without offset means UTC."""
    if isinstance(value, str):
        value = parse_iso(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if isinstance(value, datetime):
        try:
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except OverflowError:
            raise ValueError("the date-time is out of range") from None
        # Far beyond any booking, and it keeps date arithmetic (start + lookForwardTime) in range.
        if not EARLIEST <= value <= LATEST:
            raise ValueError(f"date-times must lie between {EARLIEST.year} and {LATEST.year}")
    return value


def format_utc(value: datetime) -> str:
    """UTC with milliseconds and Z: 2025-10-10T08:00:00.000Z."""
    value = value.astimezone(UTC)
    # Formatted by hand: strftime's %Y does not zero-pad years before 1000, which then fail to parse.
    return (f"{value.year:04d}-{value.month:02d}-{value.day:02d}T{value.hour:02d}:{value.minute:02d}:"
            f"{value.second:02d}.{value.microsecond // 1000:03d}Z")


def _timespan(value: Any) -> Any:
    if isinstance(value, timedelta):
        return value
    if not isinstance(value, str):
        raise ValueError("a duration must be a string like 04:00:00")
    return parse_timespan(value)


def _time_of_day(value: Any) -> Any:
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        raise ValueError("a time of day must be a string like 08:00:00")
    span = parse_timespan(value)
    if not timedelta(0) <= span < timedelta(days=1):
        raise ValueError(f"'{value}' is not a time of day between 00:00:00 and 23:59:59")
    seconds = int(span.total_seconds())
    return time(seconds // 3600, seconds // 60 % 60, seconds % 60)


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise ValueError(f"'{value}' is not a UUID") from None


UtcDateTime = Annotated[
    datetime,
    BeforeValidator(parse_utc),
    PlainSerializer(format_utc, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time", "example": "2025-10-10T08:00:00.000Z"}),
]
TimeSpan = Annotated[
    timedelta,
    BeforeValidator(_timespan),
    PlainSerializer(format_timespan, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^-?(\d+\.)?\d{2}:\d{2}:\d{2}(\.\d+)?$", "example": "04:00:00"}),
]
MAX_BUFFER = timedelta(hours=4)


def _buffer(value: timedelta) -> timedelta:
    if not timedelta(0) <= value <= MAX_BUFFER:
        raise ValueError("a buffer must be between 00:00:00 and 04:00:00")
    return value


# Preparation or travel time around a meeting (contract section 12).
Buffer = Annotated[
    timedelta,
    BeforeValidator(_timespan),
    AfterValidator(_buffer),
    PlainSerializer(format_timespan, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}$", "example": "00:15:00",
                    "description": "TimeSpan from 00:00:00 to 04:00:00."}),
]
TimeOfDay = Annotated[
    time,
    BeforeValidator(_time_of_day),
    PlainSerializer(lambda t: t.strftime("%H:%M:%S"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}$", "example": "08:00:00"}),
]
Uuid = Annotated[str, AfterValidator(_uuid), WithJsonSchema({"type": "string", "format": "uuid"})]


# Strings are checked per kind of field. Identifiers, names, keys and e-mail addresses are one
# line of printable text: no control characters (C0, DEL, C1), no line or paragraph separators
# and no lone surrogates (which cannot be encoded as UTF-8 again). Free text (descriptions,
# titles, styling) also keeps newline, carriage return and tab.
_NOT_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def _line(value: str) -> str:
    if found := _NOT_IN_LINE.search(value):
        raise ValueError(f"must be one line of printable text (found {_describe(found.group())})")
    return value


def _text(value: str) -> str:
    if found := _NOT_IN_TEXT.search(value):
        raise ValueError(f"must be printable text, lines broken only by newline and tab "
                         f"(found {_describe(found.group())})")
    return value


def is_printable_text(value: str) -> bool:
    """No control character but newline and tab, and no lone surrogate: what free text may hold."""
    return _NOT_IN_TEXT.search(value) is None


def is_printable_line(value: str) -> bool:
    """No control character, line separator or lone surrogate: what identifiers and query values hold."""
    return _NOT_IN_LINE.search(value) is None


# Use these instead of `str` in every model, with Field(max_length=...) for the bound.
Line = Annotated[str, AfterValidator(_line)]
Text = Annotated[str, AfterValidator(_text)]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: str) -> str:
    value = _line(value).strip()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError(f"'{value}' is not an e-mail address")
    return value


# A light check, not full RFC 5322: directory data is read in bulk on hot paths, and a full
# validator costs ~70 microseconds per address.
Email = Annotated[str, AfterValidator(_email), WithJsonSchema({"type": "string", "format": "email"})]


def new_id() -> str:
    return str(uuid.uuid4())


def utc_now() -> datetime:
    return datetime.now(UTC)


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return True
