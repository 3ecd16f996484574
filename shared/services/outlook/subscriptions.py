"""Which mailboxes the Outlook sync follows, and their Graph subscriptions (contract section 23).

The subscriptions timer runs `maintain`: a mailbox the settings now want gets its state and a
first full round; every followed mailbox has a subscription, renewed long before it expires
(and made anew when Graph removed it or the client state changed); a mailbox no longer wanted
(sync Off, the employee opted out, left, or has another address) loses its subscription and its
Outlook time. Without OUTLOOK_NOTIFICATION_URL there are no subscriptions: the reconciliation
timer alone keeps Outlook time up to date.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from shared import kinds
from shared.context import Context
from shared.errors import BookMeError, NotFound, PreconditionFailed
from shared.models.common import parse_utc
from shared.models.organization import OutlookSync
from shared.models.outlook import MailboxSync
from shared.ports import Graph, Selection, Versioned
from shared.rules.booking import outlook_calendar
from shared.rules.calendar_documents import CALENDAR_DOC
from shared.rules.outlook_notifications import mailbox_message
from shared.rules.outlook_sync import SUBSCRIPTION_LIFETIME, client_state_tag, needs_subscription, synced_mailboxes
from shared.services import crud

log = logging.getLogger(__name__)


@dataclass
class Maintained:
    followed: int = 0
    subscribed: int = 0
    forgotten: int = 0
    messages: list[dict] = field(default_factory=list)  # first rounds of newly followed mailboxes


async def followed(ctx: Context) -> tuple[dict[str, str], dict[str, Versioned[MailboxSync]]]:
    """The mailboxes the settings want followed (by employee id), and the states kept, in one read."""
    found = await ctx.config.read([Selection(kinds.ORGANIZATION_SETTING), Selection(kinds.EMPLOYEE),
                                   Selection(kinds.OUTLOOK_MAILBOX)])
    settings = found[kinds.ORGANIZATION_SETTING.name]
    setting = settings[0].item.outlook_sync if settings else OutlookSync.OFF
    wanted = synced_mailboxes(setting, (v.item for v in found[kinds.EMPLOYEE.name]))
    return wanted, {v.item.id: v for v in found[kinds.OUTLOOK_MAILBOX.name]}


async def maintain(ctx: Context, graph: Graph) -> Maintained:
    """Follow the mailboxes the settings want, keep their subscriptions, forget the others."""
    wanted, states = await followed(ctx)
    done = Maintained(followed=len(wanted))
    store = ctx.store(kinds.OUTLOOK_MAILBOX)
    for id, state in list(states.items()):
        if wanted.get(id) != state.item.mailbox:
            try:
                await forget(ctx, graph, state)
                del states[id]
                done.forgotten += 1
            except BookMeError as error:
                log.warning("Outlook: could not stop following mailbox of employee %s yet: %s", id, error.detail)
    for id, mailbox in wanted.items():
        state = states.get(id)
        if state is None:
            state = await store.create(MailboxSync(id=id, mailbox=mailbox))
            done.messages.append(mailbox_message(id, full=True))
        elif state.item.mailbox != mailbox:
            continue  # its old mailbox could not be forgotten yet: the next run tries again
        if subscribing(ctx) and needs_subscription(state.item, ctx.settings.OUTLOOK_CLIENT_STATE, ctx.clock()):
            try:
                await subscribe(ctx, graph, state)
                done.subscribed += 1
            except BookMeError as error:
                log.warning("Outlook: no subscription for the mailbox of employee %s yet: %s", id, error.detail)
    if done.messages:
        await ctx.publisher.publish(done.messages, queue=ctx.settings.OUTLOOK_SYNC_QUEUE)
    return done


def subscribing(ctx: Context) -> bool:
    return bool(ctx.settings.OUTLOOK_NOTIFICATION_URL and ctx.settings.OUTLOOK_CLIENT_STATE)


async def subscribe(ctx: Context, graph: Graph, state: Versioned[MailboxSync], renewing: bool = True) -> None:
    """Renew the mailbox's subscription, or make a new one when there is none, Graph removed it, or
    it was made with another client state."""
    item, client_state = state.item, ctx.settings.OUTLOOK_CLIENT_STATE
    expires = ctx.clock() + SUBSCRIPTION_LIFETIME
    tag = client_state_tag(client_state)
    answer = None
    if renewing and item.subscription_id and item.client_state_tag == tag:
        try:
            answer = await graph.renew(item.subscription_id, expires)
        except NotFound:
            log.info("Outlook: Graph removed the subscription of employee %s; subscribing again", item.id)
    if answer is None:
        if item.subscription_id:
            await _unsubscribe(graph, item.subscription_id)
        answer = await graph.subscribe(item.mailbox, ctx.settings.OUTLOOK_NOTIFICATION_URL, client_state, expires)
    subscription = {"subscription_id": answer["id"], "subscription_expires": parse_utc(answer["expirationDateTime"]),
                    "client_state_tag": tag}
    await _update(ctx, item.id, lambda s: s.model_copy(update=subscription))


async def resubscribe(ctx: Context, graph: Graph, employee_id: str) -> None:
    """After Graph's subscriptionRemoved: a new subscription."""
    if subscribing(ctx):
        await subscribe(ctx, graph, await ctx.store(kinds.OUTLOOK_MAILBOX).get(employee_id), renewing=False)


async def reauthorize(ctx: Context, graph: Graph, employee_id: str) -> None:
    """After Graph's reauthorizationRequired: renewing the subscription reauthorizes it."""
    if subscribing(ctx):
        await subscribe(ctx, graph, await ctx.store(kinds.OUTLOOK_MAILBOX).get(employee_id))


async def forget(ctx: Context, graph: Graph, state: Versioned[MailboxSync]) -> None:
    """Stop following a mailbox: its subscription, its Outlook time on every day, then its state."""
    if state.item.subscription_id:
        await _unsubscribe(graph, state.item.subscription_id)
    id = outlook_calendar(state.item.id)
    for document in await ctx.bookings.find(id, [CALENDAR_DOC]):
        await ctx.bookings.delete(document["pk"], id, document["_etag"])
    try:
        await ctx.store(kinds.OUTLOOK_MAILBOX).delete(await ctx.store(kinds.OUTLOOK_MAILBOX).get(state.item.id))
    except (NotFound, PreconditionFailed):
        pass  # taken over meanwhile: the next run looks again


async def _unsubscribe(graph: Graph, subscription_id: str) -> None:
    try:
        await graph.unsubscribe(subscription_id)
    except NotFound:
        pass


async def _update(ctx: Context, employee_id: str, change: Callable[[MailboxSync], MailboxSync]) -> None:
    """Change the subscription fields only: a sync run holding the mailbox keeps its own."""
    await crud.update(ctx.store(kinds.OUTLOOK_MAILBOX), employee_id, "Outlook mailbox", change)

