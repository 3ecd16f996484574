"""Sending e-mail: SMTP (the local sink, or a bank's relay), or Azure Communication Services."""

import asyncio
import smtplib
from email.message import EmailMessage

from shared.errors import ServiceUnavailable
from shared.ports import Mailer
from shared.settings import Settings


class SmtpMailer(Mailer):
    def __init__(self, host: str, port: int):
        self._host = host
        self._port = port

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self._host, self._port, timeout=10) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise ServiceUnavailable(f"The mail server is unavailable: {error}") from None


class AcsMailer(Mailer):
    """Azure Communication Services e-mail, authenticated with the managed identity."""

    def __init__(self, endpoint: str):
        self._endpoint = endpoint

    async def send(self, message: EmailMessage) -> None:
        from azure.communication.email.aio import EmailClient
        from azure.identity.aio import DefaultAzureCredential

        body = message.get_body(("plain",))
        attachments = [
            {"name": part.get_filename() or "invite.ics", "contentType": part.get_content_type(),
             "contentInBase64": __import__("base64").b64encode(part.get_payload(decode=True)).decode()}
            for part in message.iter_attachments()
        ]
        payload = {
            "senderAddress": message["From"],
            "recipients": {"to": [{"address": a.strip()} for a in message["To"].split(",")]},
            "content": {"subject": message["Subject"], "plainText": body.get_content() if body else ""},
            "attachments": attachments,
        }
        async with EmailClient(self._endpoint, DefaultAzureCredential()) as client:
            poller = await client.begin_send(payload)
            await poller.result()


class DisabledMailer(Mailer):
    async def send(self, message: EmailMessage) -> None:
        raise ServiceUnavailable("No mail server is configured (SMTP_HOST or ACS_ENDPOINT).")


def build_mailer(settings: Settings) -> Mailer:
    if settings.SMTP_HOST:
        return SmtpMailer(settings.SMTP_HOST, settings.SMTP_PORT)
    if settings.ACS_ENDPOINT:
        return AcsMailer(settings.ACS_ENDPOINT)
    return DisabledMailer()
