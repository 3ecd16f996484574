"""The customer's e-mails from a booking-page meeting: the manage link in the invitation, and
the reminders. Each mail mints its own manage link where it is built (in the queue's function),
so a link never sits in clear in a queue message or an outbox document. Customers' mails are in
Danish and English, since a meeting does not record the language its customer used."""

import logging
from dataclasses import replace
from datetime import datetime
from email.message import EmailMessage

from shared import kinds
from shared.context import Context
from shared.errors import NotFound
from shared.models.common import parse_utc
from shared.models.meetings import BookedBy, Meeting
from shared.rules.customer_invitation import email_field_addresses
from shared.rules.ical import REQUEST, Person
from shared.rules.notifications import Notice, email_for, meeting_id
from shared.services.booking import meeting_store
from shared.services.booking_page import manage

log = logging.getLogger(__name__)
_TYPES = {"Physical": ("Fysisk møde", "In-person meeting"), "Online": ("Videomøde", "Video meeting"),
          "Telephone": ("Telefonmøde", "Phone meeting"), "Offsite": ("Møde hos dig", "Meeting at your place")}


async def current_meeting(ctx: Context, meeting_id: str) -> Meeting | None:
    try:
        return (await meeting_store.read(ctx, meeting_id)).meeting
    except NotFound:
        return None


def manage_url(ctx: Context, token: str) -> str | None:
    base = ctx.settings.BOOKING_PAGE_URL.rstrip("/")
    return f"{base}/manage/{token}" if base else None


def _link_lines(url: str) -> str:
    return f"\nFlyt eller aflys mødet: {url}\nMove or cancel the meeting: {url}\n"


async def invitation_mails(ctx: Context, notice: Notice, sender: str) -> list[EmailMessage]:
    """The e-mails of one invitation notice. A booking-page meeting's customer gets theirs apart,
    with a manage link of its own; everyone else gets the notice's e-mail as it is."""
    customers = [p for p in notice.recipients if p.personal]
    if notice.method != REQUEST or not customers or not ctx.settings.BOOKING_PAGE_URL:
        return [email_for(notice, sender)]
    meeting = await current_meeting(ctx, meeting_id(notice.invitation))
    if meeting is None or meeting.booked_by is not BookedBy.PORTAL_CUSTOMER or not meeting.portal_id:
        return [email_for(notice, sender)]
    guests = {a.email.strip().lower() for a in meeting.external_attendees}
    own = tuple(p for p in customers if p.email.strip().lower() not in guests)
    if not own:
        return [email_for(notice, sender)]
    others = tuple(p for p in notice.recipients if p not in own)
    mails = [email_for(replace(notice, recipients=others), sender)] if others else []
    customer_mail = email_for(replace(notice, recipients=own), sender)
    url = manage_url(ctx, await manage.mint(ctx, meeting))
    text = next(customer_mail.iter_parts())
    text.set_content(text.get_content() + _link_lines(url))
    return [*mails, customer_mail]


async def reminder_mail(ctx: Context, message: dict, sender: str) -> EmailMessage | None:
    """The reminder a queue message names, or None when there is nothing to send: the meeting was
    cancelled, moved since (its move set a new reminder), is over, or has no customer address."""
    meeting = await current_meeting(ctx, message["meetingId"])
    now = ctx.clock()
    if meeting is None or meeting.portal_id is None or meeting.start_date <= now or \
            meeting.start_date != parse_utc(message["startDate"]):
        return None
    try:
        portal = (await ctx.store(kinds.PORTAL).get(meeting.portal_id)).item
    except NotFound:
        return None
    recipients = email_field_addresses(portal, meeting.custom_fields)
    if not recipients:
        return None
    settings = await _zone(ctx)
    url = manage_url(ctx, await manage.mint(ctx, meeting)) if ctx.settings.BOOKING_PAGE_URL else None
    return _reminder(meeting, recipients, sender, settings, url, message["id"])


async def _zone(ctx: Context) -> str:
    from shared.services.organization import current_settings

    return (await current_settings(ctx)).item.zone


def _reminder(meeting: Meeting, recipients: tuple[Person, ...], sender: str, zone: str, url: str | None,
              message_id: str) -> EmailMessage:
    from email.headerregistry import Address

    da, en = (_when(meeting.start_date, meeting.end_date, zone, lang) for lang in ("da", "en"))
    kind_da, kind_en = _TYPES.get(meeting.type.value, (meeting.type.value, meeting.type.value))
    mail = EmailMessage()
    mail["Subject"] = f"Påmindelse om dit møde / Reminder of your meeting: {da[0]}"
    mail["From"] = sender
    mail["To"] = ", ".join(str(Address("", addr_spec=p.email)) for p in recipients)
    mail["Message-ID"] = f"<{message_id}@bookme>"
    lines = [f"Du har et møde {da[0]} kl. {da[1]} ({da[2]}): {kind_da}.",
             *([f"Flyt eller aflys mødet: {url}"] if url else []), "",
             f"You have a meeting on {en[0]} at {en[1]} ({en[2]}): {kind_en}.",
             *([f"Move or cancel the meeting: {url}"] if url else [])]
    mail.set_content("\n".join(lines) + "\n")
    return mail


def _when(start: datetime, end: datetime, zone: str, lang: str) -> tuple[str, str, str]:
    """The date, the times and the zone's name in one language (Babel, imported on first use)."""
    from zoneinfo import ZoneInfo

    from babel.dates import format_date, format_time, get_timezone_name

    locale = "da" if lang == "da" else "en_GB"
    local_start, local_end = start.astimezone(ZoneInfo(zone)), end.astimezone(ZoneInfo(zone))
    times = f"{format_time(local_start, 'short', locale=locale)}–{format_time(local_end, 'short', locale=locale)}"
    return format_date(local_start, "full", locale=locale), times, get_timezone_name(local_start, "long",
                                                                                        locale=locale)
