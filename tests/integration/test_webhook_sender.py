"""The aiohttp webhook sender against a real receiver on loopback: what it sends, what it
refuses to reach, and that it never follows a redirect."""

from datetime import timedelta

import pytest

from shared.adapters.webhook_http import AiohttpWebhookSender, SystemResolver
from shared.errors import TargetUnreachable
from tests.utils.webhook_receiver import Receiver


@pytest.fixture
async def sender():
    built = AiohttpWebhookSender(timeout=timedelta(seconds=1), allow_private=True)
    yield built
    await built.close()


async def test_the_body_and_headers_arrive_as_sent(receiver, sender):
    status = await sender.post(receiver.url, {"webhook-id": "msg_1", "webhook-timestamp": "1",
                                              "webhook-signature": "v1,x"}, b'{"a":1}')
    assert status == 204
    [got] = receiver.received
    assert got.body == b'{"a":1}'
    assert (got.headers["webhook-id"], got.headers["content-type"]) == ("msg_1", "application/json")


async def test_a_redirect_is_answered_not_followed(receiver, sender):
    target = await Receiver().start()
    try:
        receiver.redirect_to = target.url
        assert await sender.post(receiver.url, {}, b"{}") == 302
        assert target.attempts == 0
    finally:
        await target.stop()


async def test_a_silent_receiver_times_out(receiver, sender):
    receiver.failures, receiver.stall = 1, 3
    with pytest.raises(TargetUnreachable, match="no answer within 1 s"):
        await sender.post(receiver.url, {}, b"{}")


async def test_a_closed_port_is_unreachable(sender):
    closed = await Receiver().start()
    url = closed.url
    await closed.stop()
    with pytest.raises(TargetUnreachable):
        await sender.post(url, {}, b"{}")


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "https://127.0.0.1:9/hook", "https://[::1]:9/hook",
                                 "https://localhost:9/hook", "https://[::ffff:127.0.0.1]:9/hook"])
async def test_without_private_targets_loopback_is_never_contacted(receiver, url):
    strict = AiohttpWebhookSender(timeout=timedelta(seconds=1), allow_private=False)
    try:
        with pytest.raises(TargetUnreachable, match="https|public"):
            await strict.post(url.replace(":9", f":{receiver.port}"), {}, b"{}")
    finally:
        await strict.close()
    assert receiver.attempts == 0


async def test_the_system_resolver_resolves_localhost_and_returns_nothing_for_an_unknown_name():
    resolver = SystemResolver()
    assert "127.0.0.1" in await resolver.resolve("localhost") or "::1" in await resolver.resolve("localhost")
    assert await resolver.resolve("no-such-host.invalid") == []


async def test_with_private_targets_allowed_http_still_never_goes_to_a_public_address(sender):
    for url in ("http://8.8.8.8/hook", "http://[2606:4700:4700::1111]/hook"):
        with pytest.raises(TargetUnreachable, match="use https"):
            await sender.post(url, {}, b"{}")
