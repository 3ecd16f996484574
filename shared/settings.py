"""One settings object, read from app settings (environment). The same UPPER_SNAKE
names appear in local.settings.sample.json, the Bicep outputs and here."""

import os
from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator

from shared.auth import DEV_ISSUER
from shared.rules.timespan import parse_timespan

Span = Annotated[timedelta, BeforeValidator(lambda v: parse_timespan(v) if isinstance(v, str) else v)]
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class Settings(BaseModel):
    """Values given to the constructor win over the environment, which wins over the defaults,
    as with pydantic-settings' BaseSettings. A plain model reading os.environ: every cold start
    would otherwise import pydantic-settings with its dotenv, CLI and cloud-secret sources
    (about 0.1 s here) to read a dozen strings."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    def __init__(self, **values: Any) -> None:
        environment = {name: os.environ[name] for name in type(self).model_fields if name in os.environ}
        super().__init__(**{**environment, **values})

    COSMOS_ENDPOINT: str = ""
    # Only for the local emulator: Azure uses the managed identity.
    COSMOS_KEY: str = ""
    COSMOS_DATABASE: str = "bookme"
    # The SDK's retry policy (see shared/adapters/cosmos.py retry_options and docs/operations.md).
    COSMOS_RETRY_TOTAL: int = 9
    COSMOS_RETRY_BACKOFF_MAX: int = 10
    COSMOS_REQUEST_TIMEOUT: int = 10
    # Connections each process keeps to Cosmos DB: 4 per concurrent HTTP request the instance
    # takes (infra sets it from the Flex Consumption perInstanceConcurrency). 0: aiohttp's default of 100.
    COSMOS_MAX_CONNECTIONS: int = 64

    RESERVATION_TTL: Span = timedelta(minutes=5)

    # NCRONTAB schedules of the timers, one per chore (functions/chores.py, docs/operations.md).
    RESERVATION_EXPIRY_SCHEDULE: str = "0 */1 * * * *"
    OUTBOX_REPUBLISH_SCHEDULE: str = "0 */1 * * * *"
    OUTBOX_CLEANUP_SCHEDULE: str = "0 */1 * * * *"
    PERSONAL_DATA_RETENTION_SCHEDULE: str = "0 */1 * * * *"
    IDEMPOTENCY_CLEANUP_SCHEDULE: str = "0 */1 * * * *"
    INTERRUPTED_WRITES_REPAIR_SCHEDULE: str = "0 */1 * * * *"

    # Service Bus, identity-based: SERVICEBUS_CONNECTION__fullyQualifiedNamespace.
    # Unset locally: notifications go to the local host's in-process queue.
    SERVICEBUS_CONNECTION__fullyQualifiedNamespace: str = ""
    NOTIFICATIONS_QUEUE: str = "notifications"

    # Messages that could not be handled (after at most 10 attempts), with the reason; they expire in 14 days.
    SET_ASIDE_QUEUE: str = "set-aside"
    # The wait before the timer publishes an outbox its change could not; doubled after each
    # further attempt (the 10th comes 511 times this after the first, within the queues'
    # duplicate detection window of one day).
    OUTBOX_REPUBLISH_AFTER: Span = timedelta(seconds=30)

    # Webhooks: deliveries and their scheduled retries travel on their own queue.
    WEBHOOKS_QUEUE: str = "webhooks"
    # Local development and tests only: lets webhooks target loopback and private addresses, and those over http.
    WEBHOOKS_ALLOW_PRIVATE_TARGETS: bool = False
    # The wait before each retry of a failed delivery (TimeSpans, comma-separated; at most 9,
    # spanning at most 2 days); when they are used up the delivery is set aside. The default
    # spans 27.5 hours.
    WEBHOOK_RETRY_SCHEDULE: str = "00:00:05,00:05:00,00:30:00,02:00:00,05:00:00,10:00:00,10:00:00"
    WEBHOOK_TIMEOUT: Span = timedelta(seconds=5)

    # The advisors' Outlook calendars (contract section 23; docs/operations.md, "Outlook").
    # Microsoft Graph v1.0, or the local stand-in (tools/graph_standin) on loopback.
    GRAPH_BASE_URL: str = "https://graph.microsoft.com/v1.0"
    GRAPH_TIMEOUT: Span = timedelta(seconds=10)
    # Where Graph posts change notifications (the function outlook_notifications); empty: no
    # subscriptions, the reconciliation timer alone keeps Outlook time up to date.
    OUTLOOK_NOTIFICATION_URL: str = ""
    # A secret Graph sends back with every notification (clientState); a new value renews every subscription.
    OUTLOOK_CLIENT_STATE: str = ""
    OUTLOOK_SYNC_QUEUE: str = "outlook-sync"
    OUTLOOK_EVENTS_QUEUE: str = "outlook-events"
    OUTLOOK_RECONCILE_SCHEDULE: str = "0 */15 * * * *"
    OUTLOOK_SUBSCRIPTIONS_SCHEDULE: str = "0 7 * * * *"
    # How far ahead Outlook time is mirrored (the delta query's window, from yesterday).
    OUTLOOK_SYNC_WINDOW: Span = timedelta(days=120)
    # The waits before each retry while Graph is down or throttling; the last one repeats.
    OUTLOOK_RETRY_SCHEDULE: str = "00:00:05,00:00:30,00:02:00,00:05:00,00:15:00,00:30:00"

    AUTH_TENANT_ID: str = ""
    AUTH_AUDIENCE: str = "api://bookme"
    # Local development only: the PEM file of the development signing key.
    AUTH_DEV_KEY_FILE: str = ""

    SMTP_HOST: str = ""
    SMTP_PORT: int = 25
    ACS_ENDPOINT: str = ""
    MAIL_SENDER: str = "bookme@bank.example"

    # The customer booking page (/api/book, contract section 24). Its public address, as customers
    # reach it (API Management's gateway in Azure): links in e-mails and sign-in redirects use it.
    # Empty: the address the request came to.
    BOOKING_PAGE_URL: str = ""
    # Sign-in per portal authenticationType (OpenID Connect, authorization code with PKCE): the
    # issuer (its discovery document is {issuer}/.well-known/openid-configuration), the client,
    # an optional client secret (a Key Vault reference in Azure), and the ID token claim holding
    # the CPR number (MitID brokers name it differently; a portal's cprClaim overrides it).
    MITID_ISSUER: str = ""
    MITID_CLIENT_ID: str = ""
    MITID_CLIENT_SECRET: str = ""
    MITID_CPR_CLAIM: str = "dk.cpr"
    AZUREAD_ISSUER: str = ""
    AZUREAD_CLIENT_ID: str = ""
    AZUREAD_CLIENT_SECRET: str = ""
    AZUREAD_CPR_CLAIM: str = "cpr"
    # Holds (reservations) the page makes per hour for one session and for one client address.
    PAGE_HOLDS_PER_SESSION: int = 10
    PAGE_HOLDS_PER_ADDRESS: int = 30
    # Proxies in front of the app that append to X-Forwarded-For (the Functions front end, and API
    # Management in Azure): the client's address is the entry that many from the end.
    PAGE_PROXY_HOPS: int = 1
    # NCRONTAB of the timer that sends the customers' reminder e-mails (organization setting `reminders`).
    REMINDERS_SCHEDULE: str = "0 */1 * * * *"

    # Telemetry (docs/operations.md). In Azure: the Application Insights connection string.
    APPLICATIONINSIGHTS_CONNECTION_STRING: str = ""
    # Azure only: "ClientId=<identity>;Authorization=AAD", since the resource refuses local auth.
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: str = ""
    # Locally, without Application Insights: "console" prints spans and metrics, "otlp" sends
    # them to OTEL_EXPORTER_OTLP_ENDPOINT (read by the exporter itself); empty: none.
    BOOKME_TRACES: Literal["", "console", "otlp"] = ""
    OTEL_EXPORTER_OTLP_ENDPOINT: str = ""

    @field_validator("WEBHOOK_RETRY_SCHEDULE", "OUTLOOK_RETRY_SCHEDULE")
    @classmethod
    def _schedule_parses(cls, value: str) -> str:
        from shared.rules.webhooks import parse_schedule

        parse_schedule(value)
        return value

    @field_validator("OUTBOX_REPUBLISH_AFTER")
    @classmethod
    def _republishing_within_duplicate_detection(cls, value: timedelta) -> timedelta:
        from shared.rules.messaging import DUPLICATE_DETECTION_WINDOW, republish_span

        if value <= timedelta(0) or republish_span(value) > DUPLICATE_DETECTION_WINDOW:
            raise ValueError("the outbox's re-publishing must end within the queues' duplicate detection window "
                             f"({DUPLICATE_DETECTION_WINDOW}), and the first wait be longer than zero")
        return value

    @property
    def cosmos_is_emulator(self) -> bool:
        return bool(self.COSMOS_KEY) and urlparse(self.COSMOS_ENDPOINT).hostname in LOOPBACK

    @property
    def auth_issuers(self) -> tuple[str, ...]:
        if self.AUTH_DEV_KEY_FILE:
            return (DEV_ISSUER,)
        tenant = self.AUTH_TENANT_ID
        return (f"https://login.microsoftonline.com/{tenant}/v2.0", f"https://sts.windows.net/{tenant}/")


@lru_cache
def get_settings() -> Settings:
    return Settings()
