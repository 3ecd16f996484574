"""Delivering queued meeting notifications as e-mails with an iCal attachment."""

import json
import logging

from pydantic import ValidationError

from shared.context import Context
from shared.errors import UnreadableMessage
from shared.rules.notifications import (
    carries_personal_data,
    from_message,
    made_at,
    meeting_id,
    without_personal_data,
)
from shared.rules.reminders import REMINDER_KIND
from shared.services import personal_data
from shared.services.booking.outbox import republish_outbox
from shared.services.booking_page import customer_mail

log = logging.getLogger(__name__)


def _reason(error: ValueError) -> str:
    """Why a message is unreadable, without the values it holds (addresses are personal data):
    the failing fields and error kinds of a validation error, the position of a JSON error."""
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['type']}" for e in error.errors())
    return str(error) if isinstance(error, json.JSONDecodeError) else type(error).__name__


async def deliver(ctx: Context, body: bytes | str) -> bool:
    """Send the e-mail of one queue message; True once it is handled (sent, or nothing left to
    send after an erasure). A failing mail server raises, so the queue retries.
    A message that cannot be read raises UnreadableMessage: the Python programming model cannot
    dead-letter explicitly, so Service Bus retries it and dead-letters it after maxDeliveryCount
    (see docs/operations.md)."""
    try:
        message = json.loads(body)
        if isinstance(message, dict) and message.get("kind") == REMINDER_KIND:
            return await _remind(ctx, message)
        notice, made = from_message(message), made_at(message)
    except ValueError as error:  # JSONDecodeError and pydantic's ValidationError are ValueErrors
        raise UnreadableMessage(f"Not a notification message: {_reason(error)}") from None
    # Erased after the message was made: mail what is left, never the erased data.
    if made is not None and carries_personal_data(notice) and \
            await personal_data.erased_since(ctx, meeting_id(notice), made):
        notice = without_personal_data(notice)
        if notice is None:
            log.info("Dropped a notification whose recipients' data was erased since")
            return True
    # A booking-page customer's own copy carries a manage link minted here, never in the message.
    for mail in await customer_mail.invitation_mails(ctx, notice, ctx.settings.MAIL_SENDER):
        await ctx.mailer.send(mail)
    log.info("Sent %s for %s to %d recipient(s)", notice.method, notice.invitation.uid, len(notice.recipients))
    return True


async def _remind(ctx: Context, message: dict) -> bool:
    """A booking-page customer's reminder (shared/services/booking_page/reminders.py)."""
    if not isinstance(message.get("meetingId"), str) or not isinstance(message.get("startDate"), str):
        raise UnreadableMessage("Not a reminder message: meetingId and startDate are required")
    mail = await customer_mail.reminder_mail(ctx, message, ctx.settings.MAIL_SENDER)
    if mail is None:
        log.info("Dropped a reminder for meeting %s: cancelled, moved or past since", message["meetingId"])
        return True
    await ctx.mailer.send(mail)
    log.info("Sent a reminder for meeting %s", message["meetingId"])
    return True


async def republish(ctx: Context) -> int:
    """Publish outbox documents whose booking could not reach the queue (older than 30 s)."""
    return await republish_outbox(ctx)

