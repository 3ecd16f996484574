"""Outlook to BookMe (contract section 23): bring one employee's Outlook time in line with their
mailbox. The calendarView delta query goes on from where it stood (all its pages in order, a new
round when Graph forgot the state, 410, or the window moved on); occurrences of a series take
their showAs from the series master; the events are cut into local days and written into the
employee's Outlook document of each day (shared/rules/outlook_blocks.py). Only the days that
change are written, each at the ETag it was read at.

One run per mailbox at a time, on any number of instances (leases.py): delta rounds of one
mailbox are applied in the order Graph gave them.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from shared import kinds
from shared.context import Context
from shared.errors import BookMeError, Conflict, DeltaExpired, GraphRefused, NotFound
from shared.models.outlook import MailboxSync
from shared.ports import BatchRejected, Document, Graph, Op, Versioned
from shared.rules import outlook_blocks as rules
from shared.rules.booking import outlook_calendar
from shared.rules.calendar_documents import CALENDAR_DOC
from shared.rules.local_days import day_key, local_date
from shared.rules.outlook_sync import starts_new_round, sync_window
from shared.services.organization import current_settings
from shared.services.outlook import leases

log = logging.getLogger(__name__)
WRITE_ATTEMPTS = 10


class Synced(Enum):
    DONE = "done"
    BUSY = "busy"  # another worker holds the mailbox and runs again; retry at lease end should it have died
    PENDING = "pending"  # another worker holds the mailbox and was already asked to run again
    UNKNOWN = "unknown"  # the mailbox is not synced (any more)


async def sync_mailbox(ctx: Context, graph: Graph, employee_id: str, full: bool = False) -> Synced:
    """Run the mailbox's delta query and write what changed; `full` starts a new round."""
    store = ctx.store(kinds.OUTLOOK_MAILBOX)
    wants_full: Callable[[MailboxSync], MailboxSync] | None = \
        (lambda s: s.model_copy(update={"full_sync": True})) if full else None
    try:
        held = await leases.acquire(store, employee_id, leases.new_owner(), ctx.clock, mark=wants_full)
    except NotFound:
        return Synced.UNKNOWN
    if isinstance(held, leases.Taken):
        return Synced.BUSY if held.first else Synced.PENDING
    if full and not held.item.full_sync:
        held = await leases.save(store, held, wants_full, ctx.clock)
    zone = (await current_settings(ctx)).item.zone
    while held is not None:
        window = sync_window(ctx.clock(), zone, ctx.settings.OUTLOOK_SYNC_WINDOW)
        keeper = _Keeper(ctx, store, held)
        try:
            link, was_full = await _round(ctx, graph, held.item, window, zone, keeper.stretch)
        except BookMeError:
            await leases.let_go(store, keeper.held)
            raise
        held = await leases.release(store, keeper.held, _went_on(link, window, ctx.clock(), was_full), ctx.clock)
    return Synced.DONE


def _went_on(link: str, window: tuple[datetime, datetime], at: datetime,
             was_full: bool) -> Callable[[MailboxSync], MailboxSync]:
    """Where the mailbox stands after a round; a new round asked for meanwhile is kept."""
    return lambda state: state.model_copy(update={
        "delta_link": link, "window_start": window[0], "window_end": window[1], "synced_at": at,
        "full_sync": state.full_sync and not was_full})


class _Keeper:
    """Stretches the lease between pages of a long round, half-way through each lease."""

    def __init__(self, ctx: Context, store, held: Versioned[MailboxSync]) -> None:
        self.ctx, self.store, self.held = ctx, store, held

    async def stretch(self) -> None:
        lease_until = self.held.item.lease_until
        if lease_until is not None and lease_until - self.ctx.clock() < leases.LEASE / 2:
            self.held = await leases.save(self.store, self.held, lambda s: s, self.ctx.clock)


async def _round(ctx: Context, graph: Graph, state: MailboxSync, window: tuple[datetime, datetime], zone: str,
                 keep_alive: Callable[[], Awaitable[None]]) -> tuple[str, bool]:
    """One delta round written into the day documents: (the deltaLink to go on from, whether it was a new round)."""
    new_round = starts_new_round(state, window)
    try:
        events, link = await _pages(graph, state.mailbox, None if new_round else state.delta_link, window, keep_alive)
    except DeltaExpired:
        if new_round:
            raise
        log.info("Graph forgot the delta state of mailbox %s: a new round", state.id)
        new_round = True
        events, link = await _pages(graph, state.mailbox, None, window, keep_alive)
    masters = await _masters(graph, state.mailbox, events)
    tz = ZoneInfo(zone)
    found = [block for event in events if not _orphan(event, masters)
             for block in rules.blocks(event, tz, masters.get(rules.master_id(event) or ""))]
    # BookMe's own events are never stored, so a round of nothing else changes no day.
    touched = {rules.ref(event["id"]) for event in events if not rules.is_own(event)}
    if new_round or touched:
        await _write(ctx, state.id, found, touched, new_round, window, tz)
    return link, new_round


async def _pages(graph: Graph, mailbox: str, link: str | None, window: tuple[datetime, datetime],
                 keep_alive: Callable[[], Awaitable[None]]) -> tuple[list[Document], str]:
    """Every page of one round, in order; an event listed twice counts as its later listing."""
    events: dict[str, Document] = {}
    while True:
        page = await graph.delta(mailbox, link, *window)
        for event in page.events:
            events.pop(event["id"], None)
            events[event["id"]] = event
        if page.delta_link:
            return list(events.values()), page.delta_link
        if not page.next_link:
            raise GraphRefused("A delta page had neither a nextLink nor a deltaLink.")
        link = page.next_link
        await keep_alive()


async def _masters(graph: Graph, mailbox: str, events: Iterable[Document]) -> dict[str, Document | None]:
    """The series masters the occurrence stubs need, from the round itself or fetched (None: gone)."""
    events = list(events)
    masters: dict[str, Document | None] = {e["id"]: e for e in events if e.get("type") == rules.SERIES_MASTER}
    wanted = sorted({id for e in events if (id := rules.master_id(e)) and id not in masters})

    async def fetch(id: str) -> Document | None:
        try:
            return await graph.get_event(mailbox, id)
        except NotFound:
            return None

    masters.update(zip(wanted, await asyncio.gather(*(fetch(id) for id in wanted)), strict=True))
    return masters


def _orphan(event: Document, masters: dict[str, Document | None]) -> bool:
    """An occurrence whose series is gone: it holds nothing."""
    id = rules.master_id(event)
    return id is not None and masters.get(id) is None


async def _write(ctx: Context, employee_id: str, found: list[rules.Block], touched: set[str], new_round: bool,
                 window: tuple[datetime, datetime], tz: ZoneInfo) -> None:
    """Write the days that change: a new round replaces every day of the window; a later one drops
    the entries of the events it lists and adds their new ones."""
    added = rules.entries_by_day(found)
    first, last = (day_key(local_date(moment, tz)) for moment in window)
    # Days before the window are past: no round reads them again, so no run needs them.
    existing = {d["pk"]: d for d in await ctx.bookings.find(outlook_calendar(employee_id), [CALENDAR_DOC],
                                                            min([first, *added]))}
    if new_round:
        days = {day for day in existing if first <= day < last} | set(added)

        def change(day: str) -> Callable[[list[Any]], list[Any]]:
            return lambda entries: added.get(day, [])
    else:
        days = {day for day, d in existing.items() if touched & {e["ref"] for e in d.get("entries", [])}} | set(added)

        def change(day: str) -> Callable[[list[Any]], list[Any]]:
            return lambda entries: rules.changed(entries, touched, added.get(day, []))
    for day in sorted(days):
        await _write_day(ctx, employee_id, day, existing.get(day), change(day))


async def _write_day(ctx: Context, employee_id: str, day: str, current: Document | None,
                     change: Callable[[list[Any]], list[Any]]) -> None:
    """One day's Outlook document, changed at the ETag it was read at (read again when another run won)."""
    id = outlook_calendar(employee_id)
    for _ in range(WRITE_ATTEMPTS):
        before = rules.ordered(current.get("entries", [])) if current else []
        after = rules.ordered(change(before))
        if after == before:
            return
        if not after:
            op = Op("delete", id, etag=current["_etag"])
        elif current is None:
            op = Op("create", id, rules.document(employee_id, day, after))
        else:
            op = Op("replace", id, rules.document(employee_id, day, after), current["_etag"])
        try:
            await ctx.bookings.commit(day, [op])
            return
        except BatchRejected:
            current = (await ctx.bookings.day(day, [id])).get(id)
    raise Conflict(f"The Outlook time of {day} is being written by others; try again.")
