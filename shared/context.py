"""What every service receives: the ports it may use, the clock and the settings.

Built once per process by shared/bootstrap.py from the Cosmos, Service Bus and mail
adapters; tests build one over the fakes in tests/utils/fakes.py."""

from dataclasses import dataclass

from shared.kinds import Kind
from shared.ports import BookingStore, Clock, ConfigReader, Documents, DocumentStores, Mailer, Publisher
from shared.settings import Settings


@dataclass
class Context:
    """Tests may swap a port (a failing publisher, a fixed clock) on their own Context."""

    bookings: BookingStore
    config: ConfigReader
    stores: DocumentStores
    publisher: Publisher
    mailer: Mailer
    clock: Clock
    settings: Settings

    def store(self, kind: Kind) -> Documents:
        """The store of one kind of configuration document."""
        return self.stores.of(kind)
