"""What a portal offers: the portal with its organization settings and topic, and the times its
search finds, as the page shows them (days, times per meeting type)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared import kinds
from shared.context import Context
from shared.errors import NotFound
from shared.models.directory import MeetingTopic
from shared.models.organization import OrganizationSetting
from shared.models.portals import Portal
from shared.models.time_slots import MAX_LOOK_FORWARD, AvailableSlotsQuery, EmployeeType
from shared.ports import Selection
from shared.rules import page_slots
from shared.rules.portal_fields import visible
from shared.services.slot_search import CONFIG, load_search, meeting_duration, settings_in


@dataclass(frozen=True)
class PortalPage:
    """A portal as its page shows it: hidden fields left out."""

    portal: Portal
    settings: OrganizationSetting
    topic: MeetingTopic | None
    config: dict[str, list] | None = None  # what a search reads, when the page was read to search

    @property
    def horizon(self) -> timedelta:
        return min(self.settings.max_time_from_booking_to_meeting, MAX_LOOK_FORWARD)

    @property
    def duration(self) -> timedelta:
        """The meeting length the search uses: the topic's, else one hour."""
        return meeting_duration(None, self.topic)


async def portal_page(ctx: Context, portal_id: str, searching: bool = False) -> PortalPage:
    """The portal, the organization's settings and the portal's topic, in one request (with
    `searching`, that request reads what the page's search reads too); NotFound for an unknown
    portal."""
    wanted = CONFIG if searching else [Selection(kinds.ORGANIZATION_SETTING), Selection(kinds.TOPIC)]
    found = await ctx.config.read([Selection(kinds.PORTAL, "id", (portal_id,)), *wanted])
    if not found[kinds.PORTAL.name]:
        raise NotFound(f"No booking page for portal '{portal_id}'.")
    portal = visible(found[kinds.PORTAL.name][0].item, include_hidden=False)
    topic = next((v.item for v in found[kinds.TOPIC.name] if v.item.id == portal.topic_id), None)
    return PortalPage(portal, await settings_in(ctx, found), topic, found if searching else None)


def search_query(portal: Portal, start: datetime, window: timedelta) -> AvailableSlotsQuery:
    """A customer's search for the portal's topic and customer type: the advisors of the portal's
    location when it names one, else every advisor qualified for the topic."""
    pool = [EmployeeType.LOCAL] if portal.location else [EmployeeType.EXPLICIT]
    return AvailableSlotsQuery(start_date=start, look_forward_time=window, topic=portal.topic_id,
                               customer_type_id=portal.customer_type_id, employee_types=pool,
                               customer_location=portal.location, is_customer_initiated=True,
                               require_employee_participation=False)


async def offered_days(ctx: Context, page: PortalPage) -> list[page_slots.Day]:
    """Every day with a time the customer may book, from now to the booking horizon."""
    loaded = await load_search(ctx, search_query(page.portal, ctx.clock(), page.horizon), page.config)
    return page_slots.days(loaded.slots(), page.settings.zone)


async def offers_at(ctx: Context, page: PortalPage, start: datetime, meeting_type) -> list[page_slots.Offer]:
    """The advisors offering exactly this start and meeting type now (searched again: what the
    browser sent is only a time, and the server decides who may take it)."""
    if start <= ctx.clock():
        return []
    loaded = await load_search(ctx, search_query(page.portal, start, page.duration), page.config)
    found = page_slots.days((s for s in loaded.slots() if s.start == start and s.meeting_type is meeting_type),
                            page.settings.zone)
    return found[0].times[0].offers if found else []
