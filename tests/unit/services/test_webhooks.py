"""Webhook subscriptions over the fakes: secrets shown once, URLs checked against SSRF."""

import base64

import pytest

from shared import kinds
from shared.errors import Conflict, InvalidRequest, NotFound
from shared.models.webhooks import WebhookCreate
from shared.rules.webhook_signing import key_of
from shared.services import webhooks
from tests.utils.fakes import fake_context
from tests.utils.webhook_fakes import FakeResolver

PUBLIC_DNS = {"crm.bank.example": ["20.50.2.1", "2a01:111:f100::1"], "internal.bank.example": ["10.20.30.40"],
              "sneaky.example": ["20.50.2.2", "169.254.169.254"], "mapped.example": ["::ffff:127.0.0.1"],
              "six.example": ["fd00::7"]}


@pytest.fixture
def ctx():
    return fake_context()


@pytest.fixture
def resolver():
    return FakeResolver(PUBLIC_DNS)


def create(**fields) -> WebhookCreate:
    return WebhookCreate.model_validate({"url": "https://crm.bank.example/hooks", "events": ["meeting.created"],
                                         **fields})


async def test_a_created_webhook_shows_a_generated_secret_once_and_reads_never_show_it(ctx, resolver):
    created = await webhooks.create_webhook(ctx, resolver, create(description="CRM"))
    assert created.item.is_active is True
    assert 24 <= len(key_of(created.item.secret)) <= 64
    read = await webhooks.get_webhook(ctx, created.item.id)
    listed = await webhooks.list_webhooks(ctx)
    assert "secret" not in read.item.to_json() and all("secret" not in w.to_json() for w in listed)
    stored = await ctx.store(kinds.WEBHOOK).get(created.item.id)
    assert stored.item.secret == created.item.secret, "kept, to sign deliveries"


async def test_a_given_secret_is_kept_and_two_generated_ones_differ(ctx, resolver):
    given = "whsec_" + base64.b64encode(bytes(range(40))).decode()
    assert (await webhooks.create_webhook(ctx, resolver, create(secret=given))).item.secret == given
    first = await webhooks.create_webhook(ctx, resolver, create())
    second = await webhooks.create_webhook(ctx, resolver, create())
    assert first.item.secret != second.item.secret


@pytest.mark.parametrize("url", ["https://internal.bank.example/h", "https://sneaky.example/h",
                                 "https://mapped.example/h", "https://six.example/h", "https://nowhere.example/h",
                                 "http://crm.bank.example/h", "https://127.0.0.1/h", "https://[fe80::1]/h"])
async def test_a_url_that_is_not_https_to_public_addresses_is_a_400(ctx, resolver, url):
    with pytest.raises(InvalidRequest) as refused:
        await webhooks.create_webhook(ctx, resolver, create(url=url))
    assert "url" in refused.value.errors
    assert await webhooks.list_webhooks(ctx) == []


async def test_with_private_targets_allowed_any_https_and_http_to_private_addresses_are_accepted():
    ctx, resolver = fake_context(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True), FakeResolver(
        {"localhost": ["127.0.0.1"], **PUBLIC_DNS})
    for url in ("http://localhost:8080/hook", "http://10.0.0.5/hook", "https://nowhere.example/hook",
                "https://127.0.0.1/hook"):
        assert (await webhooks.create_webhook(ctx, resolver, create(url=url))).item.url == url
    assert resolver.asked == ["localhost"], "an https host is not resolved when every address is allowed"
    for url in ("http://crm.bank.example/hook", "http://8.8.8.8/hook", "http://nowhere.example/hook"):
        with pytest.raises(InvalidRequest):
            await webhooks.create_webhook(ctx, resolver, create(url=url))


async def test_patch_changes_fields_checks_a_new_url_and_keeps_the_secret(ctx, resolver):
    created = await webhooks.create_webhook(ctx, resolver, create())
    patched = await webhooks.patch_webhook(ctx, resolver, created.item.id, [
        {"op": "replace", "path": "/isActive", "value": False},
        {"op": "add", "path": "/events/-", "value": "meeting.cancelled"}], None)
    assert patched.item.is_active is False
    assert [str(e) for e in patched.item.events] == ["meeting.created", "meeting.cancelled"]
    assert "secret" not in patched.item.to_json()
    with pytest.raises(InvalidRequest):
        await webhooks.patch_webhook(ctx, resolver, created.item.id,
                                     [{"op": "replace", "path": "/url", "value": "https://internal.bank.example/"}],
                                     None)
    for path in ("/secret", "/id"):
        with pytest.raises(InvalidRequest):
            await webhooks.patch_webhook(ctx, resolver, created.item.id,
                                         [{"op": "add", "path": path, "value": "whsec_x"}], None)
    with pytest.raises(InvalidRequest):
        await webhooks.patch_webhook(ctx, resolver, created.item.id,
                                     [{"op": "replace", "path": "/events", "value": []}], None)
    with pytest.raises(Conflict):
        await webhooks.patch_webhook(ctx, resolver, created.item.id,
                                     [{"op": "test", "path": "/isActive", "value": True}], None)
    assert (await ctx.store(kinds.WEBHOOK).get(created.item.id)).item.secret == created.item.secret


async def test_a_deleted_webhook_is_gone(ctx, resolver):
    created = await webhooks.create_webhook(ctx, resolver, create())
    await webhooks.delete_webhook(ctx, created.item.id, None)
    with pytest.raises(NotFound):
        await webhooks.get_webhook(ctx, created.item.id)
    with pytest.raises(NotFound):
        await webhooks.delete_webhook(ctx, created.item.id, None)
