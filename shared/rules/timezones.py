"""The time zones a bank can choose: every IANA zone the runtime knows, with stable ids."""

import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

NAMESPACE = uuid.UUID("3b0f6a8e-2c1d-5e7f-9a4b-6c8d0e2f4a61")
# Not time zones: `localtime` follows whatever the host is set to, `Factory` is tzdata's
# "no zone configured" placeholder. Every other name, aliases included, is a valid IANA name.
EXCLUDED = frozenset({"localtime", "Factory"})


@dataclass(frozen=True)
class Zone:
    id: str
    identifier: str
    display_name: str
    offset: timedelta


def zone_id(identifier: str) -> str:
    """The UUID of a zone: derived from its IANA name, so it never changes."""
    return str(uuid.uuid5(NAMESPACE, identifier))


@cache
def identifiers() -> tuple[str, ...]:
    """Every IANA zone name the runtime (with tzdata) knows."""
    return tuple(sorted(zoneinfo.available_timezones() - EXCLUDED))


@cache
def _by_id() -> dict[str, str]:
    return {zone_id(name): name for name in identifiers()}


def identifier_for(id: str) -> str | None:
    """The IANA name whose UUID is `id`, or None."""
    return _by_id().get(str(id).lower())


def utc_offset(identifier: str, now: datetime) -> timedelta:
    return now.astimezone(zoneinfo.ZoneInfo(identifier)).utcoffset() or timedelta(0)


def format_offset(offset: timedelta) -> str:
    """`+01:00`, `-03:30`, `+00:00`."""
    minutes = round(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def city(identifier: str) -> str:
    """The last part of the name, readable: `America/Argentina/Buenos_Aires` -> `Buenos Aires`."""
    return identifier.rsplit("/", 1)[-1].replace("_", " ")


def display_name(identifier: str, now: datetime) -> str:
    """`(UTC+01:00) Copenhagen`, with the offset in force at `now`."""
    return f"(UTC{format_offset(utc_offset(identifier, now))}) {city(identifier)}"


def zone(identifier: str, now: datetime) -> Zone:
    offset = utc_offset(identifier, now)
    return Zone(zone_id(identifier), identifier, f"(UTC{format_offset(offset)}) {city(identifier)}", offset)


def all_zones(now: datetime) -> list[Zone]:
    """Every zone at `now`, sorted by current UTC offset, then display name, then identifier."""
    return sorted((zone(name, now) for name in identifiers()),
                  key=lambda z: (z.offset, z.display_name.lower(), z.identifier))
