"""/bookme/config/webhooks (V3): subscriptions to meeting events; BookMe.Config for every call."""

from functions.http import Reply
from functions.routing import Call, RouteGroup
from shared.auth import Role
from shared.bootstrap import address_resolver, get_context
from shared.models.webhooks import Webhook, WebhookCreate, WebhookCreated
from shared.rules.patching import JsonPatch
from shared.services import webhooks

group = RouteGroup("webhooks", "bookme/config/webhooks", versions=("v3",))


@group.get(role=Role.CONFIG, response=list[Webhook])
async def list_webhooks(call: Call):
    """List webhook subscriptions (never with their secrets)."""
    return await webhooks.list_webhooks(await get_context())


@group.get("{id}", role=Role.CONFIG, response=Webhook)
async def get_webhook(call: Call):
    """Get one webhook subscription (never with its secret)."""
    return await webhooks.get_webhook(await get_context(), call.params["id"])


@group.post(role=Role.CONFIG, body=WebhookCreate, response=WebhookCreated, status=201)
async def create_webhook(call: Call):
    """Subscribe a URL to meeting events; the answer is the only one that shows the secret."""
    return Reply(await webhooks.create_webhook(await get_context(), address_resolver(), call.body), 201)


@group.patch("{id}", role=Role.CONFIG, body=JsonPatch, response=Webhook)
async def patch_webhook(call: Call):
    """Update a webhook subscription with JSON Patch; /id and /secret are read-only."""
    return await webhooks.patch_webhook(await get_context(), address_resolver(), call.params["id"], call.body,
                                        call.if_match)


@group.delete("{id}", role=Role.CONFIG, status=204)
async def delete_webhook(call: Call):
    """Delete a webhook subscription; its queued retries are dropped."""
    await webhooks.delete_webhook(await get_context(), call.params["id"], call.if_match)
