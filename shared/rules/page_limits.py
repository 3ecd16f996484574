"""How many holds (reservations) the booking page makes for one session and one client address
per hour, against abuse: a script holding every free time with fresh sessions. Pure."""

import hashlib
from datetime import datetime, timedelta

from shared.models.common import format_utc

WINDOW = timedelta(hours=1)
HOLD_COUNT_DOC = "pageHoldCount"


def client_address(forwarded_for: str | None, proxy_hops: int) -> str:
    """The client's address: the X-Forwarded-For entry `proxy_hops` from the end (entries before it
    were written by the client itself and prove nothing); "unknown" without the header."""
    entries = [e.strip() for e in (forwarded_for or "").split(",") if e.strip()]
    if not entries:
        return "unknown"
    entry = entries[-proxy_hops] if 0 < proxy_hops <= len(entries) else entries[0]
    # "203.0.113.7:52113" and "[2001:db8::1]:443" carry a port; the address is what counts.
    if entry.startswith("["):
        return entry[1:].split("]", 1)[0]
    return entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry


def window_start(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def recent(times: list[str], now: datetime) -> list[str]:
    """The hold instants of a session within the last hour."""
    cutoff = format_utc(now - WINDOW)
    return [t for t in times if t > cutoff]


def address_counter_id(address: str, now: datetime) -> str:
    """One counter document per address and hour, named by a hash (addresses are personal data)."""
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"holds:{digest}:{format_utc(window_start(now))[:13]}"


def counter_document(id: str, count: int) -> dict:
    return {"id": id, "pk": id, "type": HOLD_COUNT_DOC, "count": count, "ttl": int(2 * WINDOW.total_seconds())}
