"""Which mailboxes the Outlook sync follows, over which window, and when their subscriptions are
renewed (contract section 23). Pure."""

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from shared.models.directory import Employee
from shared.models.organization import OutlookSync
from shared.models.outlook import MailboxSync
from shared.rules.local_days import day_bounds, local_date

# Graph's documented maximum for Outlook subscriptions was 4230 minutes, and is 10080 now; a
# lifetime under both is valid whichever applies.
SUBSCRIPTION_LIFETIME = timedelta(minutes=4200)
# Renewed when less than this is left: the subscriptions timer runs hourly, so each
# subscription is renewed about once a day, long before it expires.
RENEW_WHEN_LEFT = timedelta(days=2)


def follows(setting: OutlookSync, employee: Employee | None) -> bool:
    """Whether the sync follows the employee's mailbox, so that their Outlook time counts: every
    active employee with an e-mail, unless their directory entry opts out; none while the setting is Off."""
    return setting.reads_outlook and employee is not None and employee.is_active and bool(employee.email) \
        and employee.outlook_sync


def synced_mailboxes(setting: OutlookSync, employees: Iterable[Employee]) -> dict[str, str]:
    """The mailbox (e-mail address) of every employee the sync follows, by employee id."""
    return {e.id: e.email.strip().lower() for e in employees if follows(setting, e)}


def sync_window(now: datetime, zone: str, ahead: timedelta) -> tuple[datetime, datetime]:
    """The delta query's [start, end): from the start of yesterday, organization-local, `ahead` on."""
    start = day_bounds(local_date(now, zone) - timedelta(days=1), zone)[0]
    return start, start + ahead


def starts_new_round(state: MailboxSync, window: tuple[datetime, datetime]) -> bool:
    """A full round when there is no delta state, when one was asked for, or once a day as the window moves on."""
    return state.full_sync or not state.delta_link or state.window_start != window[0] or state.window_end != window[1]


def client_state_tag(client_state: str) -> str:
    return hashlib.sha256(client_state.encode()).hexdigest()[:16]


def needs_subscription(state: MailboxSync, client_state: str, now: datetime) -> bool:
    """No subscription yet, one made with another client state, or one that expires soon."""
    return (state.subscription_id is None or state.client_state_tag != client_state_tag(client_state)
            or state.subscription_expires is None or state.subscription_expires - now < RENEW_WHEN_LEFT)


def retry_wait(schedule: tuple[timedelta, ...], attempt: int, retry_after: int, limit: int) -> timedelta | None:
    """The wait before retry number `attempt` (1: the first) while Graph is down or throttling: the
    schedule's, its last wait repeating up to `limit` attempts, never shorter than Graph's
    Retry-After; None once they are used up."""
    if attempt > limit or not schedule:
        return None
    return max(schedule[min(attempt, len(schedule)) - 1], timedelta(seconds=retry_after))
