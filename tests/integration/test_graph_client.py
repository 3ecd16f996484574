"""The Graph adapter (shared/adapters/graph_http.py) against the Graph stand-in over real HTTP:
the requests BookMe makes, the answers Graph documents, and the stand-in's faults as BookMe's errors."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.graph_http import GraphClient
from shared.errors import DeltaExpired, GraphRefused, GraphThrottled, GraphUnavailable, NotFound
from shared.services.outlook.graph_gate import GatedGraph
from tests.utils.graph_standin import NotificationEndpoint, start_standin

MAILBOX = "mette.nielsen@nordhavnbank.example"
WINDOW = (datetime(2030, 3, 1, tzinfo=UTC), datetime(2030, 4, 1, tzinfo=UTC))


@pytest.fixture
async def standin():
    running = await start_standin()
    yield running
    await running.stop()


@pytest.fixture
async def graph(standin):
    client = GraphClient(standin.base_url, timedelta(seconds=2))
    yield client
    await client.close()


@pytest.fixture
async def endpoint():
    running = await NotificationEndpoint().start()
    yield running
    await running.stop()


def event(hour: int, day: int = 5, **fields) -> dict:
    return {"subject": "Training", "start": {"dateTime": f"2030-03-{day:02d}T{hour:02d}:00:00", "timeZone": "UTC"},
            "end": {"dateTime": f"2030-03-{day:02d}T{hour + 1:02d}:00:00", "timeZone": "UTC"}, **fields}


async def test_an_event_is_created_read_changed_and_deleted(graph):
    created = await graph.create_event(MAILBOX, event(9, showAs="oof"))
    assert (created["subject"], created["showAs"], created["start"]) == (
        "Training", "oof", {"dateTime": "2030-03-05T09:00:00.0000000", "timeZone": "UTC"})
    changed = await graph.update_event(MAILBOX, created["id"], {"start": event(12)["start"], "end": event(12)["end"]})
    assert changed["start"]["dateTime"] == "2030-03-05T12:00:00.0000000" and changed["subject"] == "Training"
    assert (await graph.get_event(MAILBOX, created["id"]))["end"]["dateTime"] == "2030-03-05T13:00:00.0000000"
    await graph.delete_event(MAILBOX, created["id"])
    await graph.delete_event(MAILBOX, created["id"])  # already gone is fine
    with pytest.raises(NotFound):
        await graph.get_event(MAILBOX, created["id"])
    with pytest.raises(NotFound):
        await graph.update_event(MAILBOX, created["id"], {"subject": "x"})


async def test_a_repeated_transaction_id_gives_back_the_event_made_the_first_time(graph, standin):
    first = await graph.create_event(MAILBOX, event(9, transactionId="bookme-1"))
    again = await graph.create_event(MAILBOX, event(9, transactionId="bookme-1"))
    assert again["id"] == first["id"] and standin.standin.stats.deduplicated == 1


async def test_an_online_meeting_gets_a_teams_join_url(graph):
    teams = {"isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness"}
    created = await graph.create_event(MAILBOX, event(9, **teams))
    assert created["onlineMeeting"]["joinUrl"].startswith("https://teams.microsoft.com/l/meetup-join/")


async def test_a_delta_round_pages_to_a_delta_link_and_the_next_round_has_changes_and_removals(graph):
    ids = [(await graph.create_event(MAILBOX, event(8 + n)))["id"] for n in range(3)]
    page = await graph.delta(MAILBOX, None, *WINDOW)
    seen = list(page.events)
    while page.next_link:
        page = await graph.delta(MAILBOX, page.next_link, *WINDOW)
        seen += page.events
    assert sorted(e["id"] for e in seen) == sorted(ids) and page.delta_link
    await graph.delete_event(MAILBOX, ids[0])
    await graph.update_event(MAILBOX, ids[1], {"showAs": "free"})
    later = await graph.delta(MAILBOX, page.delta_link, *WINDOW)
    assert [(e["id"], "@removed" in e) for e in later.events] == [(ids[0], True), (ids[1], False)]
    assert later.events[1]["showAs"] == "free" and later.delta_link


async def test_a_forgotten_delta_state_is_410_delta_expired(graph, standin):
    page = await graph.delta(MAILBOX, None, *WINDOW)
    standin.standin.calendars.mailbox(MAILBOX).forget_delta_state()
    with pytest.raises(DeltaExpired):
        await graph.delta(MAILBOX, page.delta_link, *WINDOW)


async def test_a_delta_link_elsewhere_than_graph_is_refused(graph):
    with pytest.raises(GraphRefused):
        await graph.delta(MAILBOX, "https://evil.example/v1.0/users/x/calendarView/delta?$deltatoken=1", *WINDOW)


async def test_occurrences_of_a_series_come_as_stubs_and_the_master_has_the_show_as(graph):
    master = await graph.create_event(MAILBOX, event(9, showAs="tentative", recurrence={
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "numberOfOccurrences": 2, "startDate": "2030-03-05"}}))
    page = await graph.delta(MAILBOX, None, *WINDOW)
    stubs = [e for e in page.events if e.get("type") == "occurrence"]
    assert len(stubs) == 2 and all("showAs" not in s and s["seriesMasterId"] == master["id"] for s in stubs)
    assert (await graph.get_event(MAILBOX, master["id"]))["showAs"] == "tentative"


async def test_a_subscription_is_made_only_after_the_endpoint_echoes_the_validation_token(graph, endpoint, standin):
    expires = datetime.now(UTC) + timedelta(days=2)
    made = await graph.subscribe(MAILBOX, endpoint.url, "secret", expires)
    assert endpoint.validations == 1 and made["clientState"] == "secret"
    renewed = await graph.renew(made["id"], expires + timedelta(days=1))
    assert renewed["expirationDateTime"].startswith((expires + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    await graph.create_event(MAILBOX, event(9))
    for _ in range(100):
        if endpoint.notifications:
            break
        await asyncio.sleep(0.02)
    (notification,) = endpoint.notifications
    assert (notification["subscriptionId"], notification["clientState"], notification["changeType"]) == (
        made["id"], "secret", "created")
    await graph.unsubscribe(made["id"])
    await graph.unsubscribe(made["id"])
    with pytest.raises(NotFound):
        await graph.renew(made["id"], expires)
    endpoint.refuse_validation = True
    with pytest.raises(GraphRefused):
        await graph.subscribe(MAILBOX, endpoint.url, "secret", expires)


async def test_throttling_is_429_with_retry_after_and_an_outage_is_unavailable(graph, standin):
    standin.standin.faults.throttle, standin.standin.faults.retry_after = 1, 7
    with pytest.raises(GraphThrottled) as throttled:
        await graph.get_event(MAILBOX, "x")
    assert throttled.value.retry_after == 7
    standin.standin.faults.unavailable = 1
    with pytest.raises(GraphUnavailable):
        await graph.get_event(MAILBOX, "x")


async def test_an_answer_slower_than_the_timeout_is_unavailable_though_graph_did_it(graph, standin):
    standin.standin.faults.delay = 3
    with pytest.raises(GraphUnavailable):
        await graph.create_event(MAILBOX, event(9, transactionId="bookme-slow"))
    standin.standin.faults.delay = 0
    assert len(standin.standin.calendars.mailbox(MAILBOX).listed()) == 1


async def test_a_fifth_call_at_once_on_one_mailbox_is_refused_unless_the_gate_keeps_to_four(graph, standin):
    standin.standin.faults.delay = 0.2
    results = await asyncio.gather(*(graph.create_event(MAILBOX, event(9)) for _ in range(6)), return_exceptions=True)
    assert sum(isinstance(r, GraphThrottled) for r in results) == 2
    gated = GatedGraph(graph)
    standin.standin.stats.refused_concurrent = 0
    results = await asyncio.gather(*(gated.create_event(MAILBOX, event(10)) for _ in range(10)))
    assert len(results) == 10 and standin.standin.stats.refused_concurrent == 0
    assert standin.standin.stats.most_in_flight[MAILBOX] == 4


async def test_a_request_without_a_bearer_token_is_refused(standin):
    import aiohttp

    async with aiohttp.ClientSession() as session, session.get(f"{standin.base_url}/users/{MAILBOX}/events") as answer:
        assert answer.status == 401
