"""Sending e-mail: SMTP (the local sink, or a bank's relay), or Azure Communication Services."""

import asyncio
import base64
import smtplib
from email.message import EmailMessage
from email.utils import getaddresses

from azure.core.exceptions import AzureError

from shared import telemetry
from shared.errors import ServiceUnavailable
from shared.ports import Mailer
from shared.settings import Settings


class SmtpMailer(Mailer):
    def __init__(self, host: str, port: int):
        self._host = host
        self._port = port

    async def send(self, message: EmailMessage) -> None:
        # Host and port only: recipients and subjects are personal data.
        with telemetry.span("smtp.send", **{"server.address": self._host, "server.port": self._port}):
            await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self._host, self._port, timeout=10) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise ServiceUnavailable(f"The mail server is unavailable: {type(error).__name__}") from None


def recipients(message: EmailMessage) -> list[dict[str, str]]:
    """The To addresses as ACS recipients: parsed as RFC 5322 addresses, so a display name
    with a comma ("Jensen, Mette" <m@bank.dk>) stays one recipient."""
    return [{"address": address, **({"displayName": name} if name else {})}
            for name, address in getaddresses(message.get_all("To", [])) if address]


def acs_payload(message: EmailMessage) -> dict:
    body = message.get_body(("plain",))
    attachments = [
        {"name": part.get_filename() or "invite.ics", "contentType": part.get_content_type(),
         "contentInBase64": base64.b64encode(part.get_payload(decode=True)).decode()}
        for part in message.iter_attachments()
    ]
    return {
        "senderAddress": message["From"],
        "recipients": {"to": recipients(message)},
        "content": {"subject": message["Subject"], "plainText": body.get_content() if body else ""},
        "attachments": attachments,
    }


class AcsMailer(Mailer):
    """Azure Communication Services e-mail with the managed identity; one client and one
    credential for the life of the process."""

    def __init__(self, endpoint: str):
        self._endpoint = endpoint
        self._client = None

    def _email_client(self):
        if self._client is None:
            from azure.communication.email.aio import EmailClient
            from azure.identity.aio import DefaultAzureCredential

            self._client = EmailClient(self._endpoint, DefaultAzureCredential())
        return self._client

    async def send(self, message: EmailMessage) -> None:
        try:
            with telemetry.span("acs.send"):  # azure-core traces the HTTP calls beneath it
                poller = await self._email_client().begin_send(acs_payload(message))
                await poller.result()
        except (AzureError, OSError) as error:
            raise ServiceUnavailable(f"Azure Communication Services is unavailable: {type(error).__name__}") from None

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()


class DisabledMailer(Mailer):
    async def send(self, message: EmailMessage) -> None:
        raise ServiceUnavailable("No mail server is configured (SMTP_HOST or ACS_ENDPOINT).")


def build_mailer(settings: Settings) -> Mailer:
    if settings.SMTP_HOST:
        return SmtpMailer(settings.SMTP_HOST, settings.SMTP_PORT)
    if settings.ACS_ENDPOINT:
        return AcsMailer(settings.ACS_ENDPOINT)
    return DisabledMailer()
