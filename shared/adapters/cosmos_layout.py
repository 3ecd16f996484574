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
    # Composite indexes ((path, order), ...): a cross-partition ORDER BY on several paths needs one.
    composite_indexes: tuple[tuple[tuple[str, str], ...], ...] = ()

    def indexing_policy(self) -> dict | None:
        """The indexing policy when it differs from Cosmos DB's default (every path, consistent)."""
        if not self.composite_indexes:
            return None
        return {"indexingMode": "consistent", "automatic": True, "includedPaths": [{"path": "/*"}],
                "excludedPaths": [{"path": '/"_etag"/?'}],
                "compositeIndexes": [[{"path": p, "order": o} for p, o in index] for index in self.composite_indexes]}


# config: directory and configuration documents, partitioned by kind ("employee",
# "label", ...): small, read whole per kind, and unique-name claims share the
# partition of the documents they guard so both are written in one batch.
CONFIG = ContainerSpec("config", "/pk")

# bookings: meetings, reservations, per-resource calendars and the notification
# outbox, partitioned by the organization-local day, so one transactional batch can
# claim every employee and room of a meeting at once.
# GET /meetings pages through meetings ordered by startDate, then id (contract section 22).
BOOKINGS = ContainerSpec("bookings", "/pk", default_ttl=-1,
                         composite_indexes=((("/startDate", "ascending"), ("/id", "ascending")),))

CONTAINERS: tuple[ContainerSpec, ...] = (CONFIG, BOOKINGS)
