"""Delivering queued meeting notifications as e-mails with an iCal attachment.

A queue message names a notice in an outbox document; the function reads it there (one
single-partition read) and mails what it says now. An erasure scrubs the outbox document
itself, so a message queued before the erasure mails no erased data, and one whose recipients
were all erased is dropped.
"""

import json
import logging

from pydantic import ValidationError

from shared.context import Context
from shared.errors import UnreadableMessage
from shared.rules.notifications import notice_reference, stored_notice
from shared.rules.reminders import REMINDER_KIND
from shared.services import queue_messages
from shared.services.booking.outbox import cleanup_expired, republish_outbox
from shared.services.booking_page import customer_mail
from shared.services.queue_messages import Outcome

log = logging.getLogger(__name__)


def _reason(error: ValueError) -> str:
    """Why a message is unreadable, without the values it holds (addresses are personal data):
    the failing fields and error kinds of a validation error, the position of a JSON error."""
    if isinstance(error, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['type']}" for e in error.errors())
    return str(error) if isinstance(error, json.JSONDecodeError) else type(error).__name__


async def handle(ctx: Context, message_id: str, body: bytes | str, delivery_count: int) -> Outcome:
    """One delivery of a notifications queue message: the e-mail sent, or the message set aside
    (unreadable at once, a failing mail server on its last allowed delivery)."""
    return await queue_messages.handle(ctx, ctx.settings.NOTIFICATIONS_QUEUE, message_id, body, delivery_count,
                                       lambda content: deliver(ctx, content))


async def deliver(ctx: Context, body: bytes | str) -> Outcome:
    """Send the e-mail a queue message names. Dropped when its outbox document is gone (expired)
    or holds the notice no more (its recipients were erased). A failing mail server raises, so the
    queue retries; a message that cannot be read raises UnreadableMessage."""
    try:
        message = json.loads(body)
        reminder = isinstance(message, dict) and message.get("kind") == REMINDER_KIND
        if not reminder:
            where, notice_id = notice_reference(message)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise UnreadableMessage(f"Not a notification message: {_reason(error)}") from None
    if reminder:  # its sending may fail like any mail's (retried), never as an unreadable message
        return await _remind(ctx, message)
    outbox = (await ctx.bookings.day(where.day, [where.outbox])).get(where.outbox)
    if outbox is None:
        log.warning("Dropped notification %s: its outbox %s is gone", notice_id, where.outbox)
        return Outcome.DROPPED
    try:
        notice = stored_notice(outbox, notice_id)
    except ValueError as error:
        raise UnreadableMessage(f"Outbox {where.outbox} holds notice {notice_id} unreadably: "
                                f"{_reason(error)}") from None
    if notice is None:
        log.info("Dropped notification %s: nobody is left to mail after an erasure", notice_id)
        return Outcome.DROPPED
    # A booking-page customer's own copy carries a manage link minted here, never in the outbox.
    for mail in await customer_mail.invitation_mails(ctx, notice, ctx.settings.MAIL_SENDER):
        await ctx.mailer.send(mail)
    log.info("Sent %s for %s to %d recipient(s)", notice.method, notice.invitation.uid, len(notice.recipients))
    return Outcome.DELIVERED


async def _remind(ctx: Context, message: dict) -> Outcome:
    """A booking-page customer's reminder (shared/services/booking_page/reminders.py)."""
    if not all(isinstance(message.get(name), str) for name in ("id", "meetingId", "startDate")):
        raise UnreadableMessage("Not a reminder message: id, meetingId and startDate are required")
    mail = await customer_mail.reminder_mail(ctx, message, ctx.settings.MAIL_SENDER)
    if mail is None:
        log.info("Dropped a reminder for meeting %s: cancelled, moved or past since", message["meetingId"])
        return Outcome.DROPPED
    await ctx.mailer.send(mail)
    log.info("Sent a reminder for meeting %s", message["meetingId"])
    return Outcome.DELIVERED


async def republish(ctx: Context) -> int:
    """Publish outbox documents whose change could not reach the queue (see booking/outbox)."""
    return await republish_outbox(ctx)


async def remove_expired(ctx: Context) -> int:
    """Delete outbox documents past their life (Azure's ttl does it; the local Cosmos server ignores ttl)."""
    return await cleanup_expired(ctx)
