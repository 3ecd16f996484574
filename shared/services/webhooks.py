"""Webhook subscriptions: create, read, list, patch, delete. The secret is generated or
checked on create, stored with the subscription, and returned by the creating POST only."""

import secrets
from typing import Any

from shared import kinds
from shared.context import Context
from shared.errors import InvalidRequest
from shared.models.common import new_id
from shared.models.webhooks import StoredWebhook, Webhook, WebhookCreate, WebhookCreated
from shared.ports import AddressResolver, Documents, Versioned
from shared.rules.patching import apply_patch
from shared.rules.webhook_signing import DEFAULT_KEY_BYTES, secret_from
from shared.rules.webhook_targets import TargetRefused, check_resolved, needs_resolving, parse_target
from shared.services import crud

READ_ONLY = ("/id", "/secret")
WHAT = "webhook"


def webhooks(ctx: Context) -> Documents[StoredWebhook]:
    return ctx.store(kinds.WEBHOOK)


def _public(stored: Versioned[StoredWebhook]) -> Versioned[Webhook]:
    return Versioned(stored.item.public(), stored.etag)


async def check_url(ctx: Context, resolver: AddressResolver, url: str) -> None:
    """400 unless the URL may be a webhook target: https, and every address of its host public
    (a DNS name is resolved now; the delivery checks it again when it connects). With private
    targets allowed, any https URL, and http to loopback and private addresses."""
    allow_private = ctx.settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS
    try:
        target = parse_target(url, allow_private)
        if needs_resolving(target, allow_private):
            check_resolved(target.host, await resolver.resolve(target.host), allow_private, target.scheme)
    except TargetRefused as refused:
        raise InvalidRequest("The webhook URL is not allowed.", {"url": [str(refused)]}) from None


async def create_webhook(ctx: Context, resolver: AddressResolver, data: WebhookCreate) -> Versioned[WebhookCreated]:
    """Store a subscription; the answer is the only one that ever shows its secret."""
    await check_url(ctx, resolver, data.url)
    secret = data.secret or secret_from(secrets.token_bytes(DEFAULT_KEY_BYTES))
    stored = await webhooks(ctx).create(StoredWebhook(**data.model_dump(exclude={"secret"}), id=new_id(),
                                                      secret=secret))
    return Versioned(WebhookCreated.model_validate(stored.item.model_dump()), stored.etag)


async def list_webhooks(ctx: Context) -> list[Webhook]:
    stored = await webhooks(ctx).list()
    return sorted((s.item.public() for s in stored), key=lambda w: (w.url.lower(), w.id))


async def get_webhook(ctx: Context, id: str) -> Versioned[Webhook]:
    return _public(await crud.get(webhooks(ctx), id, WHAT))


async def patch_webhook(ctx: Context, resolver: AddressResolver, id: str, operations: Any,
                        if_match: str | None) -> Versioned[Webhook]:
    """RFC 6902 on the subscription as reads show it (without its secret, which is read-only);
    a changed URL is checked like a new one."""

    async def change(current: StoredWebhook) -> StoredWebhook:
        patched = apply_patch(current.public().to_json(), operations, Webhook, READ_ONLY)
        if patched.url != current.url:
            await check_url(ctx, resolver, patched.url)
        return StoredWebhook(**patched.model_dump(), secret=current.secret)

    return _public(await crud.update(webhooks(ctx), id, WHAT, change, if_match))


async def delete_webhook(ctx: Context, id: str, if_match: str | None) -> None:
    """Deleted subscriptions receive nothing more: queued retries find it gone and stop."""
    await crud.delete(webhooks(ctx), id, WHAT, if_match)
