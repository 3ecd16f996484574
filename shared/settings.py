"""One settings object, read from app settings (environment). The same UPPER_SNAKE
names appear in local.settings.sample.json, the Bicep outputs and here."""

from datetime import timedelta
from functools import lru_cache
from typing import Annotated
from urllib.parse import urlparse

from pydantic import BeforeValidator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.rules.timespan import parse_timespan

Span = Annotated[timedelta, BeforeValidator(lambda v: parse_timespan(v) if isinstance(v, str) else v)]
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
DEV_ISSUER = "https://bookme.local/dev"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore")

    COSMOS_ENDPOINT: str = ""
    # Only for the local emulator: Azure uses the managed identity.
    COSMOS_KEY: str = ""
    COSMOS_DATABASE: str = "bookme"
    # The SDK's retry policy (see shared/adapters/cosmos.py retry_options and docs/operations.md).
    COSMOS_RETRY_TOTAL: int = 9
    COSMOS_RETRY_BACKOFF_MAX: int = 10
    COSMOS_REQUEST_TIMEOUT: int = 10

    RESERVATION_TTL: Span = timedelta(minutes=5)
    RESERVATION_CLEANUP_SCHEDULE: str = "0 */1 * * * *"

    # Service Bus, identity-based: SERVICEBUS_CONNECTION__fullyQualifiedNamespace.
    # Unset locally: notifications go to the local host's in-process queue.
    SERVICEBUS_CONNECTION__fullyQualifiedNamespace: str = ""
    NOTIFICATIONS_QUEUE: str = "notifications"

    AUTH_TENANT_ID: str = ""
    AUTH_AUDIENCE: str = "api://bookme"
    # Local development only: the PEM file of the development signing key.
    AUTH_DEV_KEY_FILE: str = ""

    SMTP_HOST: str = ""
    SMTP_PORT: int = 25
    ACS_ENDPOINT: str = ""
    MAIL_SENDER: str = "bookme@bank.example"

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
