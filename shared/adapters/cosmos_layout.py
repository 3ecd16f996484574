"""The Cosmos DB database and containers BookMe uses: the one source of truth.

The local stack creates them from here, and infra/ provisions the same ones in Azure
(a test compares the two).
"""

from dataclasses import dataclass

DATABASE = "bookme"


@dataclass(frozen=True)
class ContainerSpec:
    name: str
    partition_key_path: str
    # None: items never expire; -1: items expire only when they carry their own `ttl`.
    default_ttl: int | None = None


# config: directory and configuration documents, partitioned by kind ("employee",
# "label", ...): small, read whole per kind, and unique-name claims share the
# partition of the documents they guard so both are written in one batch.
CONFIG = ContainerSpec("config", "/pk")

# bookings: meetings, reservations, per-resource calendars and the notification
# outbox, partitioned by the organization-local day, so one transactional batch can
# claim every employee and room of a meeting at once.
BOOKINGS = ContainerSpec("bookings", "/pk", default_ttl=-1)

CONTAINERS: tuple[ContainerSpec, ...] = (CONFIG, BOOKINGS)
