"""Outlook to BookMe over the fakes (contract section 23): a mailbox's delta query, page by page,
into the employee's Outlook time of each local day; later rounds, @removed, 410, series, and one
run per mailbox at a time."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from shared import kinds
from shared.errors import GraphThrottled
from shared.models.outlook import MailboxSync
from shared.services.outlook import leases
from shared.services.outlook.graph_gate import GatedGraph
from shared.services.outlook.mailbox_sync import Synced, sync_mailbox
from tests.utils.booking_builders import add_employee, tomorrow_at
from tests.utils.graph_fakes import FakeGraph

MAILBOX = "mette@bank.example"


@pytest.fixture
def graph():
    return FakeGraph(page_size=2)


async def followed(ctx) -> str:
    mette = await add_employee(ctx, email=MAILBOX)
    await ctx.store(kinds.OUTLOOK_MAILBOX).create(MailboxSync(id=mette, mailbox=MAILBOX))
    return mette


def outlook_time(ctx, employee_id: str) -> dict[str, list[tuple[str, str, str]]]:
    """Per day: (start, end, showAs) of the employee's Outlook entries."""
    return {d["pk"]: [(e["start"][11:16], e["end"][11:16], e["showAs"]) for e in d["entries"]]
            for d in sorted(ctx.bookings.all("calendar"), key=lambda d: d["pk"])
            if d["id"] == f"outlook:employee:{employee_id}"}


async def test_a_first_round_reads_every_page_and_writes_one_document_per_day(ctx, graph):
    mette = await followed(ctx)
    nine = tomorrow_at(ctx, 9)
    for day in range(3):
        graph.add(MAILBOX, nine + timedelta(days=day))
        graph.add(MAILBOX, nine + timedelta(days=day, hours=3), showAs="oof")
    assert await sync_mailbox(ctx, graph, mette) is Synced.DONE
    assert graph.count("delta") == 3  # six events, two a page
    days = ("2030-03-05", "2030-03-06", "2030-03-07")
    assert outlook_time(ctx, mette) == {day: [("09:00", "10:00", "busy"), ("12:00", "13:00", "oof")] for day in days}
    (document,) = [d for d in ctx.bookings.all("calendar") if d["pk"] == "2030-03-05"]
    assert {k: document[k] for k in ("id", "type", "source", "resource", "day")} == {
        "id": f"outlook:employee:{mette}", "type": "calendar", "source": "outlook",
        "resource": f"employee:{mette}", "day": "2030-03-05"}
    entry = document["entries"][0]
    assert set(entry) == {"ref", "kind", "start", "end", "expiresAt", "token", "countsTowardCap", "bufferBefore",
                          "bufferAfter", "showAs"}
    assert (entry["kind"], entry["countsTowardCap"], entry["ref"].startswith("outlook:")) == ("outlook", False, True)


async def test_nothing_but_the_event_id_times_and_show_as_is_stored(ctx, graph):
    mette = await followed(ctx)
    graph.add(MAILBOX, tomorrow_at(ctx, 9), subject="Divorce lawyer", body={"content": "private"},
              location={"displayName": "Secret place"}, attendees=[{"emailAddress": {"address": "x@y.example"}}])
    await sync_mailbox(ctx, graph, mette)
    text = str(ctx.bookings.all("calendar"))
    assert "Divorce" not in text and "private" not in text and "Secret" not in text and "x@y" not in text


async def test_free_cancelled_and_bookmes_own_events_hold_nothing_and_working_elsewhere_is_kept(ctx, graph):
    mette = await followed(ctx)
    nine = tomorrow_at(ctx, 9)
    graph.add(MAILBOX, nine, showAs="free")
    graph.add(MAILBOX, nine + timedelta(hours=1), isCancelled=True)
    graph.add(MAILBOX, nine + timedelta(hours=2), transactionId="bookme-1234")
    graph.add(MAILBOX, nine + timedelta(hours=3), showAs="workingElsewhere")
    graph.add(MAILBOX, nine + timedelta(hours=4), showAs="tentative")
    await sync_mailbox(ctx, graph, mette)
    assert outlook_time(ctx, mette) == {"2030-03-05": [("12:00", "13:00", "workingElsewhere"),
                                                       ("13:00", "14:00", "tentative")]}


async def test_an_event_across_local_midnight_is_cut_into_days_and_an_all_day_event_holds_the_local_day(ctx, graph):
    mette = await followed(ctx)
    # 22:00 to 02:00 UTC is 23:00 to 03:00 in Copenhagen: two local days.
    graph.add(MAILBOX, tomorrow_at(ctx, 22), hours=4)
    graph.add(MAILBOX, tomorrow_at(ctx, 0) + timedelta(days=3), hours=24, isAllDay=True,
              start={"dateTime": "2030-03-08T00:00:00", "timeZone": "Europe/Copenhagen"},
              end={"dateTime": "2030-03-09T00:00:00", "timeZone": "Europe/Copenhagen"})
    await sync_mailbox(ctx, graph, mette)
    assert outlook_time(ctx, mette) == {
        "2030-03-05": [("22:00", "23:00", "busy")], "2030-03-06": [("23:00", "02:00", "busy")],
        "2030-03-08": [("23:00", "23:00", "busy")]}


async def test_a_later_round_moves_changed_events_and_drops_removed_ones(ctx, graph):
    mette = await followed(ctx)
    nine = tomorrow_at(ctx, 9)
    moving, going, staying = graph.add(MAILBOX, nine), graph.add(MAILBOX, nine + timedelta(hours=2)), \
        graph.add(MAILBOX, nine + timedelta(hours=4))
    await sync_mailbox(ctx, graph, mette)
    box = graph.calendars.mailbox(MAILBOX)
    box.update(moving, {"start": {"dateTime": "2030-03-06T08:00:00", "timeZone": "UTC"},
                        "end": {"dateTime": "2030-03-06T09:00:00", "timeZone": "UTC"}})
    box.delete(going)
    deltas = graph.count("delta")
    await sync_mailbox(ctx, graph, mette)
    assert graph.count("delta") - deltas == 1, "one page: the moved event and the @removed stub"
    assert outlook_time(ctx, mette) == {"2030-03-05": [("13:00", "14:00", "busy")],
                                        "2030-03-06": [("08:00", "09:00", "busy")]}
    assert staying in str(ctx.bookings.all("calendar"))


async def test_a_forgotten_delta_state_410_starts_a_new_round(ctx, graph):
    mette = await followed(ctx)
    first = graph.add(MAILBOX, tomorrow_at(ctx, 9))
    await sync_mailbox(ctx, graph, mette)
    box = graph.calendars.mailbox(MAILBOX)
    box.delete(first)
    graph.add(MAILBOX, tomorrow_at(ctx, 11))
    box.forget_delta_state()
    await sync_mailbox(ctx, graph, mette)
    assert outlook_time(ctx, mette) == {"2030-03-05": [("11:00", "12:00", "busy")]}
    (state,) = await ctx.store(kinds.OUTLOOK_MAILBOX).list()
    assert state.item.delta_link and not state.item.full_sync


async def test_every_occurrence_of_a_series_holds_its_day_with_the_masters_show_as(ctx, graph):
    mette = await followed(ctx)
    graph.add(MAILBOX, tomorrow_at(ctx, 9), showAs="oof", recurrence={
        "pattern": {"type": "daily", "interval": 1}, "range": {"type": "numbered", "numberOfOccurrences": 3,
                                                              "startDate": "2030-03-05"}})
    await sync_mailbox(ctx, graph, mette)
    assert outlook_time(ctx, mette) == {day: [("09:00", "10:00", "oof")]
                                        for day in ("2030-03-05", "2030-03-06", "2030-03-07")}


async def test_occurrences_take_the_show_as_of_a_master_the_round_does_not_list(ctx, graph):
    mette = await followed(ctx)
    master = graph.add(MAILBOX, tomorrow_at(ctx, 9), showAs="tentative", recurrence={
        "pattern": {"type": "weekly", "daysOfWeek": ["tuesday", "thursday"]},
        "range": {"type": "endDate", "startDate": "2030-03-05", "endDate": "2030-03-14"}})
    await sync_mailbox(ctx, graph, mette)
    box = graph.calendars.mailbox(MAILBOX)
    box.delete(f"{master}_OCC_20300307")  # one occurrence cancelled
    await sync_mailbox(ctx, graph, mette)
    assert outlook_time(ctx, mette) == {day: [("09:00", "10:00", "tentative")]
                                        for day in ("2030-03-05", "2030-03-12", "2030-03-14")}
    box.update(master, {"showAs": "free"})
    await sync_mailbox(ctx, graph, mette)
    assert outlook_time(ctx, mette) == {}


async def test_an_occurrence_whose_series_is_gone_holds_nothing(ctx, graph):
    mette = await followed(ctx)
    nine = tomorrow_at(ctx, 9)
    stub = {"@odata.type": "#microsoft.graph.event", "id": "gone_OCC_20300305", "seriesMasterId": "gone",
            "type": "occurrence", "start": {"dateTime": f"{nine:%Y-%m-%dT%H:%M:%S}.0000000", "timeZone": "UTC"},
            "end": {"dateTime": f"{nine + timedelta(hours=1):%Y-%m-%dT%H:%M:%S}.0000000", "timeZone": "UTC"}}
    original = graph.delta

    async def with_orphan(mailbox, link, start, end):
        page = await original(mailbox, link, start, end)
        return type(page)([*page.events, stub], page.next_link, page.delta_link)

    graph.delta = with_orphan
    await sync_mailbox(ctx, graph, mette)
    assert outlook_time(ctx, mette) == {}
    assert graph.count("get_event") == 1


async def test_the_window_moving_on_a_day_later_starts_a_new_round(ctx, graph):
    mette = await followed(ctx)
    graph.add(MAILBOX, tomorrow_at(ctx, 9))
    await sync_mailbox(ctx, graph, mette)
    ctx.clock.advance(timedelta(days=1))
    await sync_mailbox(ctx, graph, mette)
    (state,) = await ctx.store(kinds.OUTLOOK_MAILBOX).list()
    assert state.item.window_start.isoformat() == "2030-03-03T23:00:00+00:00"
    assert outlook_time(ctx, mette) == {"2030-03-05": [("09:00", "10:00", "busy")]}


async def test_a_mailbox_another_worker_holds_is_marked_to_run_again(ctx, graph):
    mette = await followed(ctx)
    store = ctx.store(kinds.OUTLOOK_MAILBOX)
    other = await leases.acquire(store, mette, "other-worker", ctx.clock)
    assert await sync_mailbox(ctx, graph, mette, full=True) is Synced.BUSY
    assert await sync_mailbox(ctx, graph, mette) is Synced.PENDING
    assert graph.count("delta") == 0
    marked = (await store.get(mette)).item
    assert marked.dirty and marked.full_sync
    again = await leases.release(store, other, lambda s: s, ctx.clock)
    assert again is not None and not again.item.dirty, "the holder runs once more"


async def test_a_mailbox_no_longer_followed_is_left_alone(ctx, graph):
    assert await sync_mailbox(ctx, graph, "6d1c9a70-0f55-4c9e-a9a4-5d2f2b8f0c11") is Synced.UNKNOWN


async def test_the_gate_keeps_four_calls_at_once_per_mailbox_and_no_limit_across_mailboxes(graph):
    gated = GatedGraph(graph)
    graph.latency = 0.01
    window = (datetime(2030, 3, 1, tzinfo=UTC), datetime(2030, 4, 1, tzinfo=UTC))
    await asyncio.gather(*(gated.delta(MAILBOX, None, *window) for _ in range(12)),
                         *(gated.delta("lars@bank.example", None, *window) for _ in range(3)))
    assert graph.most_in_flight[MAILBOX] == 4
    assert graph.most_in_flight["lars@bank.example"] == 3


async def test_the_gate_waits_retry_after_for_the_whole_mailbox_then_calls_again(graph):
    waits, now = [], [0.0]

    async def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    gated = GatedGraph(graph, sleep=sleep, clock=lambda: now[0])
    graph.throttle(count=2, retry_after=3, mailbox=MAILBOX)
    event = await gated.create_event(MAILBOX, {"subject": "x", "start": {"dateTime": "2030-03-05T09:00:00"},
                                               "end": {"dateTime": "2030-03-05T10:00:00"}})
    assert event["id"] and waits == [3, 3] and graph.count("create_event") == 3
    await gated.get_event(MAILBOX, event["id"])
    assert waits == [3, 3], "once the wait is over, calls go straight on"


async def test_the_gate_gives_up_when_graph_asks_for_more_patience_than_it_has(graph):
    gated = GatedGraph(graph, patience=10, sleep=lambda s: _no_wait(), clock=lambda: 0.0)
    graph.throttle(count=1, retry_after=60)
    with pytest.raises(GraphThrottled) as throttled:
        await gated.get_event(MAILBOX, "x")
    assert throttled.value.retry_after == 60


async def _no_wait():
    return None


async def test_a_round_of_nothing_but_bookmes_own_events_reads_and_writes_no_day(ctx, graph):
    mette = await followed(ctx)
    await sync_mailbox(ctx, graph, mette)
    graph.add(MAILBOX, tomorrow_at(ctx, 9), transactionId="bookme-own")
    requests = ctx.bookings.requests
    await sync_mailbox(ctx, graph, mette)
    assert ctx.bookings.requests == requests and outlook_time(ctx, mette) == {}
