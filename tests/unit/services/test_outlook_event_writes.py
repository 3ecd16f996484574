"""BookMe to Outlook (contract section 23, TwoWay) over the fakes: every meeting an event in its
employees' calendars, created once, moved by its times only, deleted on cancellation, with a
Teams meeting whose link the meeting and its invitations get; never on the booking's path."""

import asyncio
import json
from datetime import timedelta

import pytest

from shared import kinds
from shared.errors import GraphUnavailable
from shared.models.organization import OutlookSync
from shared.models.outlook import MailboxSync
from shared.rules.notifications import stored_notice
from shared.services import meetings, organization
from shared.services.outlook import outbound
from shared.services.outlook.event_writes import Written
from shared.services.outlook.mailbox_sync import sync_mailbox
from tests.utils.booking_builders import add_employee, meeting_request, tomorrow_at
from tests.utils.graph_fakes import FakeGraph

METTE, LARS = "mette@bank.example", "lars@bank.example"


@pytest.fixture
def graph():
    return FakeGraph()


async def two_way(ctx, value=OutlookSync.TWO_WAY) -> tuple[str, str]:
    current = await organization.current_settings(ctx)
    await ctx.store(kinds.ORGANIZATION_SETTING).replace(current.item.model_copy(update={"outlook_sync": value}),
                                                        current)
    return await add_employee(ctx, email=METTE), await add_employee(ctx, name="Lars Jensen", email=LARS)


def queued(ctx) -> list[dict]:
    return ctx.publisher.queues.get("outlook-events", [])


async def drain(ctx, graph) -> list[Written]:
    """Deliver every message of the events queue, as its function would, until it is empty."""
    outcomes = []
    while queued(ctx):
        outcomes.append(await outbound.deliver(ctx, graph, json.dumps(queued(ctx).pop(0))))
    return outcomes


def events(graph, mailbox) -> list[dict]:
    return graph.calendars.mailbox(mailbox).listed()


async def test_a_two_way_booking_queues_a_reference_to_the_meeting_and_calls_no_graph(ctx, graph):
    mette, _ = await two_way(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    assert [m["meetingId"] for m in queued(ctx)] == [booked.item.id]
    assert set(queued(ctx)[0]) == {"id", "kind", "meetingId"}
    assert graph.calls == []


async def test_free_busy_or_an_employee_without_a_followed_mailbox_queues_nothing(ctx, graph):
    mette, _ = await two_way(ctx, OutlookSync.FREE_BUSY)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    nobody = await add_employee(ctx, name="Anna Holm", email=None)
    await two_way(ctx)
    await meetings.create_meeting(ctx, meeting_request(nobody, tomorrow_at(ctx, 11)))
    assert queued(ctx) == []


async def test_every_employee_gets_an_event_with_the_title_times_room_and_show_as_busy(ctx, graph):
    from tests.utils.booking_builders import add_room

    mette, lars = await two_way(ctx)
    room = await add_room(ctx)
    nine = tomorrow_at(ctx, 9)
    await meetings.create_meeting(ctx, meeting_request(mette, nine, type="Physical", title="Boliglån", roomId=room,
                                                       additionalEmployees=[lars]))
    assert await drain(ctx, graph) == [Written.DONE]
    for mailbox in (METTE, LARS):
        (event,) = events(graph, mailbox)
        assert (event["subject"], event["showAs"], event["location"]["displayName"]) == ("Boliglån", "busy",
                                                                                          "Nyhavn, CPH-HQ")
        assert (event["start"]["dateTime"], event["end"]["dateTime"]) == ("2030-03-05T09:00:00.0000000",
                                                                          "2030-03-05T10:00:00.0000000")
        assert event["transactionId"].startswith("bookme-") and not event["isOnlineMeeting"]


async def test_a_portal_bookings_cpr_and_custom_fields_never_reach_outlook(ctx, graph):
    from shared.models.portals import Portal

    mette, _ = await two_way(ctx)
    portal = Portal.model_validate({"id": "5f1c8a8e-1111-4c2b-9c1d-2b1a3c4d5e6f", "name": "Web"})
    await ctx.store(kinds.PORTAL).create(portal)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), bookedBy="PortalPartner",
                                                       portalId=portal.id, cpr="010190-1234",
                                                       customFields=[{"key": "note", "value": "secret note"}]))
    await drain(ctx, graph)
    text = json.dumps(events(graph, METTE))
    assert "010190" not in text and "secret note" not in text


async def test_an_online_meeting_gets_a_teams_meeting_whose_link_becomes_its_video_link(ctx, graph):
    mette, lars = await two_way(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9),
                                                                additionalEmployees=[lars]))
    invitations = len(ctx.publisher.sent)
    await drain(ctx, graph)
    (teams,) = events(graph, METTE)
    join_url = teams["onlineMeeting"]["joinUrl"]
    assert teams["isOnlineMeeting"] and teams["onlineMeetingProvider"] == "teamsForBusiness"
    meeting = (await meetings.get_meeting(ctx, booked.item.id)).item
    assert meeting.video_link == join_url
    (other,) = events(graph, LARS)
    assert join_url in other["body"]["content"] and not other["isOnlineMeeting"]
    (update,) = ctx.publisher.sent[invitations:]  # a reference to the notice in its outbox
    outbox = (await ctx.bookings.day(update["day"], [update["outbox"]]))[update["outbox"]]
    notice = stored_notice(outbox, update["id"])
    assert (notice.method, notice.invitation.url) == ("REQUEST", join_url)
    history = (await meetings.get_meeting(ctx, booked.item.id))
    assert history.item.video_link == join_url
    assert graph.count("create_event") == 2, "the change that gave the link wrote no event again"


async def test_an_online_meeting_with_a_link_of_its_own_gets_no_teams_meeting(ctx, graph):
    mette, _ = await two_way(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), videoLink="https://meet.example/x"))
    await drain(ctx, graph)
    (event,) = events(graph, METTE)
    assert not event["isOnlineMeeting"] and event["location"]["displayName"] == "https://meet.example/x"


async def test_a_move_changes_only_start_and_end_so_the_teams_meeting_survives(ctx, graph):
    mette, _ = await two_way(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    await drain(ctx, graph)
    (before,) = events(graph, METTE)
    patches = []
    original = graph.update_event

    async def record(mailbox, event_id, changes):
        patches.append(changes)
        return await original(mailbox, event_id, changes)

    graph.update_event = record
    await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/startDate",
                                                        "value": "2030-03-06T12:00:00Z"},
                                                       {"op": "replace", "path": "/endDate",
                                                        "value": "2030-03-06T13:00:00Z"}], None)
    await drain(ctx, graph)
    assert [set(p) for p in patches] == [{"start", "end"}]
    (after,) = events(graph, METTE)
    assert after["id"] == before["id"] and after["onlineMeeting"] == before["onlineMeeting"]
    assert after["start"]["dateTime"] == "2030-03-06T12:00:00.0000000"


async def test_a_cancelled_meeting_loses_its_events_and_its_record(ctx, graph):
    mette, lars = await two_way(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9),
                                                                additionalEmployees=[lars]))
    await drain(ctx, graph)
    await meetings.cancel_meeting(ctx, booked.item.id, None)
    await drain(ctx, graph)
    assert events(graph, METTE) == events(graph, LARS) == []
    assert await ctx.store(kinds.OUTLOOK_EVENTS).list() == []


async def test_an_employee_taken_off_the_meeting_loses_the_event(ctx, graph):
    mette, lars = await two_way(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), type="Physical",
                                                                additionalEmployees=[lars]))
    await drain(ctx, graph)
    await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/additionalEmployees",
                                                        "value": []}], None)
    await drain(ctx, graph)
    assert len(events(graph, METTE)) == 1 and events(graph, LARS) == []


async def test_a_repeated_message_writes_nothing_again(ctx, graph):
    mette, _ = await two_way(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), type="Physical"))
    message = queued(ctx)[0]
    await drain(ctx, graph)
    calls = len(graph.calls)
    await outbound.deliver(ctx, graph, json.dumps(message))
    assert graph.calls[calls:] == [] and len(events(graph, METTE)) == 1


async def test_a_creation_whose_answer_was_lost_is_not_made_twice(ctx, graph):
    mette, _ = await two_way(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), type="Physical"))
    graph.lost_answers = 1
    await drain(ctx, graph)
    (when, queue, retry), = ctx.publisher.scheduled
    assert (queue, retry["attempt"]) == ("outlook-events", 1)
    await outbound.deliver(ctx, graph, json.dumps(retry))
    assert graph.count("create_event") == 2 and len(events(graph, METTE)) == 1


async def test_a_graph_outage_is_waited_out_and_then_drained(ctx, graph):
    mette, _ = await two_way(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), type="Physical"))
    graph.fail(GraphUnavailable("503"), count=7)
    waits = []
    message = queued(ctx).pop()
    ids = {message["id"]}
    for _ in range(7):
        assert await outbound.deliver(ctx, graph, json.dumps(message)) is Written.BUSY
        when, _, message = ctx.publisher.scheduled.pop()
        waits.append(when - ctx.clock())
        ids.add(message["id"])
    assert waits == [timedelta(seconds=s) for s in (5, 30, 120, 300, 900, 1800, 1800)]
    assert len(ids) == 8, "each retry has an id of its own: the queues drop a repeated one"
    assert await outbound.deliver(ctx, graph, json.dumps(message)) is Written.DONE
    assert len(events(graph, METTE)) == 1 and booked.item.id


async def test_an_event_deleted_in_outlook_is_written_again_by_the_next_change(ctx, graph):
    mette, _ = await two_way(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), type="Physical"))
    await drain(ctx, graph)
    graph.calendars.mailbox(METTE).delete(events(graph, METTE)[0]["id"])
    await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/title", "value": "Pension"}],
                                 None)
    await drain(ctx, graph)
    (event,) = events(graph, METTE)
    assert event["subject"] == "Pension"


async def test_two_deliveries_at_once_write_one_event(ctx, graph):
    mette, _ = await two_way(ctx)
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), type="Physical"))
    message = json.dumps(queued(ctx).pop())
    graph.latency = 0.01
    outcomes = await asyncio.gather(outbound.deliver(ctx, graph, message), outbound.deliver(ctx, graph, message))
    assert sorted(o.value for o in outcomes) == ["busy", "done"]
    assert len(events(graph, METTE)) == 1


async def test_bookmes_own_events_never_come_back_as_outlook_time(ctx, graph):
    mette, _ = await two_way(ctx)
    await ctx.store(kinds.OUTLOOK_MAILBOX).create(MailboxSync(id=mette, mailbox=METTE))
    await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), type="Physical"))
    await drain(ctx, graph)
    graph.add(METTE, tomorrow_at(ctx, 13))
    await sync_mailbox(ctx, graph, mette)
    (outlook,) = [d for d in ctx.bookings.all("calendar") if d["id"].startswith("outlook:")]
    assert [e["start"] for e in outlook["entries"]] == ["2030-03-05T13:00:00.000Z"]


async def test_a_teams_link_graph_adds_after_its_answer_is_read_at_the_next_run(ctx, graph):
    mette, _ = await two_way(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9)))
    original = graph.create_event

    async def without_link(mailbox, event):
        made = await original(mailbox, event)
        return {**made, "onlineMeeting": None}

    graph.create_event = without_link
    await drain(ctx, graph)
    assert (await meetings.get_meeting(ctx, booked.item.id)).item.video_link is None
    await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/title", "value": "Pension"}],
                                 None)
    await drain(ctx, graph)
    (event,) = events(graph, METTE)
    assert (await meetings.get_meeting(ctx, booked.item.id)).item.video_link == event["onlineMeeting"]["joinUrl"]


async def test_an_erased_meeting_is_not_given_its_teams_link_again(ctx, graph):
    from shared.services import personal_data

    mette, _ = await two_way(ctx)
    booked = await meetings.create_meeting(ctx, meeting_request(mette, tomorrow_at(ctx, 9), customerId="c-erased"))
    await drain(ctx, graph)
    assert (await meetings.get_meeting(ctx, booked.item.id)).item.video_link
    await personal_data.erase_customer(ctx, "c-erased", "admin")
    await meetings.patch_meeting(ctx, booked.item.id, [{"op": "replace", "path": "/title", "value": "Pension"}],
                                 None)
    await drain(ctx, graph)
    assert (await meetings.get_meeting(ctx, booked.item.id)).item.video_link == ""
    assert events(graph, METTE)[0]["subject"] == "Pension"


async def test_an_unreadable_events_message_is_set_aside_at_once(ctx, graph):
    assert await outbound.handle_delivery(ctx, graph, "m1", b'{"kind": "outlookEvents"}', 1) == "setAside"
    assert ctx.publisher.queues["set-aside"][0]["queue"] == "outlook-events"
