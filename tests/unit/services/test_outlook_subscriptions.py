"""Which mailboxes the Outlook sync follows and their subscriptions, and the sync queue's
messages (contract section 23), over the fakes."""

import json
from datetime import timedelta

import pytest

from shared import kinds
from shared.errors import GraphUnavailable, ServiceUnavailable
from shared.models.organization import OutlookSync
from shared.services import organization
from shared.services.outlook import inbound, leases, subscriptions
from shared.services.outlook.mailbox_sync import Synced
from tests.utils.booking_builders import add_employee, tomorrow_at
from tests.utils.fakes import fake_context
from tests.utils.graph_fakes import FakeGraph

URL = "https://bookme.example/api/outlook/notifications"
SECRET = "client-state-secret"


@pytest.fixture
def ctx():
    return fake_context(OUTLOOK_NOTIFICATION_URL=URL, OUTLOOK_CLIENT_STATE=SECRET)


@pytest.fixture
def graph():
    return FakeGraph()


async def set_outlook_sync(ctx, value=OutlookSync.TWO_WAY) -> None:
    current = await organization.current_settings(ctx)
    await ctx.store(kinds.ORGANIZATION_SETTING).replace(current.item.model_copy(update={"outlook_sync": value}),
                                                        current)


async def states(ctx) -> dict:
    return {v.item.id: v.item for v in await ctx.store(kinds.OUTLOOK_MAILBOX).list()}


def queued(ctx) -> list[dict]:
    return ctx.publisher.queues.get("outlook-sync", [])


async def test_active_employees_with_an_email_are_followed_subscribed_and_given_a_first_full_round(ctx, graph):
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx, email="Mette@Bank.example")
    await add_employee(ctx, name="Lars Jensen", outlook_sync=False)
    await add_employee(ctx, name="Ida Larsen", is_active=False)
    await add_employee(ctx, name="Anders Holm", email=None)
    done = await subscriptions.maintain(ctx, graph)
    assert (done.followed, done.subscribed) == (1, 1)
    state = (await states(ctx))[mette]
    assert state.mailbox == "mette@bank.example" and state.subscription_id in graph.subscriptions
    subscription = graph.subscriptions[state.subscription_id]
    assert (subscription["notificationUrl"], subscription["clientState"]) == (URL, SECRET)
    assert timedelta(days=2) < state.subscription_expires - ctx.clock() <= timedelta(minutes=4230)
    assert queued(ctx) == [{"kind": "mailbox", "employeeId": mette, "full": True, "attempt": 0}]


async def test_nothing_is_followed_while_the_sync_is_off(ctx, graph):
    await add_employee(ctx)
    assert (await subscriptions.maintain(ctx, graph)).followed == 0
    assert graph.calls == [] and await states(ctx) == {}


async def test_a_subscription_is_renewed_only_when_it_would_expire_within_two_days(ctx, graph):
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx)
    await subscriptions.maintain(ctx, graph)
    await subscriptions.maintain(ctx, graph)
    assert (graph.count("subscribe"), graph.count("renew")) == (1, 0)
    ctx.clock.advance(timedelta(days=1))
    await subscriptions.maintain(ctx, graph)
    assert (graph.count("subscribe"), graph.count("renew")) == (1, 1)
    assert (await states(ctx))[mette].subscription_expires - ctx.clock() > timedelta(days=2)


async def test_a_subscription_graph_removed_or_made_with_another_client_state_is_made_anew(ctx, graph):
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx)
    await subscriptions.maintain(ctx, graph)
    first = (await states(ctx))[mette].subscription_id
    graph.subscriptions.clear()
    ctx.clock.advance(timedelta(days=1))
    await subscriptions.maintain(ctx, graph)
    second = (await states(ctx))[mette].subscription_id
    assert second != first and second in graph.subscriptions
    ctx.settings = ctx.settings.model_copy(update={"OUTLOOK_CLIENT_STATE": "rotated"})
    await subscriptions.maintain(ctx, graph)
    third = (await states(ctx))[mette].subscription_id
    assert list(graph.subscriptions) == [third] and graph.subscriptions[third]["clientState"] == "rotated"


async def test_a_mailbox_no_longer_followed_loses_its_subscription_and_its_outlook_time(ctx, graph):
    from tests.utils.outlook_builders import graph_event, put_outlook_time

    await set_outlook_sync(ctx)
    mette = await add_employee(ctx)
    await subscriptions.maintain(ctx, graph)
    nine = tomorrow_at(ctx, 9)
    await put_outlook_time(ctx, mette, graph_event("a", nine, nine + timedelta(hours=1)),
                           graph_event("b", nine + timedelta(days=1), nine + timedelta(days=1, hours=1)))
    employee = await ctx.store(kinds.EMPLOYEE).get(mette)
    await ctx.store(kinds.EMPLOYEE).replace(employee.item.model_copy(update={"outlook_sync": False}), employee)
    done = await subscriptions.maintain(ctx, graph)
    assert done.forgotten == 1 and graph.subscriptions == {} and await states(ctx) == {}
    assert [d for d in ctx.bookings.all("calendar") if d["id"].startswith("outlook:")] == []


async def test_without_a_notification_url_mailboxes_are_followed_by_reconciliation_alone(graph):
    ctx = fake_context()
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx)
    await subscriptions.maintain(ctx, graph)
    assert graph.count("subscribe") == 0 and mette in await states(ctx)
    assert await inbound.reconcile(ctx) == 1
    assert queued(ctx)[-1] == {"kind": "mailbox", "employeeId": mette, "full": False, "attempt": 0}


async def test_a_notification_runs_the_delta_query_of_its_subscriptions_mailbox(ctx, graph):
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx, email="mette@bank.example")
    await subscriptions.maintain(ctx, graph)
    graph.add("mette@bank.example", tomorrow_at(ctx, 9))
    subscription = (await states(ctx))[mette].subscription_id
    body = json.dumps({"value": [{"subscriptionId": subscription, "clientState": SECRET, "changeType": "created"}]})
    assert await inbound.accept(ctx, body.encode()) == 1
    assert await inbound.handle(ctx, graph, json.dumps(queued(ctx)[-1])) is Synced.DONE
    assert [d["id"] for d in ctx.bookings.all("calendar")] == [f"outlook:employee:{mette}"]


async def test_subscription_removed_makes_a_new_subscription_and_a_full_round(ctx, graph):
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx)
    await subscriptions.maintain(ctx, graph)
    old = (await states(ctx))[mette].subscription_id
    await inbound.handle(ctx, graph, json.dumps({"kind": "notification", "subscriptionId": old,
                                                 "lifecycleEvent": "subscriptionRemoved"}))
    state = (await states(ctx))[mette]
    assert state.subscription_id != old and not state.full_sync and state.delta_link
    assert graph.count("subscribe") == 2


async def test_reauthorization_required_renews_the_subscription_and_syncs(ctx, graph):
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx)
    await subscriptions.maintain(ctx, graph)
    subscription = (await states(ctx))[mette].subscription_id
    await inbound.handle(ctx, graph, json.dumps({"kind": "notification", "subscriptionId": subscription,
                                                 "lifecycleEvent": "reauthorizationRequired"}))
    assert graph.count("renew") == 1 and graph.count("delta") == 1


async def test_a_notification_of_an_unknown_subscription_is_dropped(ctx, graph):
    outcome = await inbound.handle(ctx, graph, json.dumps({"kind": "notification", "subscriptionId": "old"}))
    assert outcome is Synced.UNKNOWN and graph.calls == []


async def test_while_graph_is_down_a_mailbox_is_tried_again_after_the_next_wait(ctx, graph):
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx)
    await subscriptions.maintain(ctx, graph)
    graph.fail(GraphUnavailable("503"), count=100, calls=("delta",))
    await inbound.handle(ctx, graph, json.dumps({"kind": "mailbox", "employeeId": mette, "attempt": 0}))
    (at, queue, message), = ctx.publisher.scheduled
    assert (queue, message["attempt"], at - ctx.clock()) == ("outlook-sync", 1, timedelta(seconds=5))
    await inbound.handle(ctx, graph, json.dumps(message))
    assert ctx.publisher.scheduled[-1][0] - ctx.clock() == timedelta(seconds=30)
    assert (await states(ctx))[mette].lease_owner is None, "a failed run lets go of the mailbox"


async def test_a_mailbox_held_by_another_worker_is_tried_again_when_its_lease_ends(ctx, graph):
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx)
    await subscriptions.maintain(ctx, graph)
    await leases.acquire(ctx.store(kinds.OUTLOOK_MAILBOX), mette, "other", ctx.clock)
    assert await inbound.handle(ctx, graph, json.dumps({"kind": "mailbox", "employeeId": mette})) is Synced.BUSY
    assert ctx.publisher.scheduled[-1][0] == ctx.clock() + leases.LEASE


async def test_an_unreadable_sync_message_is_set_aside_at_once_and_a_failing_one_on_its_tenth_delivery(ctx, graph):
    outcome = await inbound.handle_delivery(ctx, graph, "m1", b"not json", 1)
    assert outcome == "setAside" and ctx.publisher.queues["set-aside"][0]["queue"] == "outlook-sync"
    await set_outlook_sync(ctx)
    mette = await add_employee(ctx)
    await subscriptions.maintain(ctx, graph)
    body = json.dumps({"kind": "mailbox", "employeeId": mette}).encode()

    async def cosmos_down(*args, **kwargs):
        raise ServiceUnavailable("Cosmos DB is down")

    ctx.bookings.find = cosmos_down
    graph.add("mette@bank.example", tomorrow_at(ctx, 9))
    with pytest.raises(ServiceUnavailable):
        await inbound.handle_delivery(ctx, graph, "m2", body, 9)
    assert await inbound.handle_delivery(ctx, graph, "m2", body, 10) == "setAside"
    assert ctx.publisher.queues["set-aside"][-1]["reason"] == "Cosmos DB is down"
