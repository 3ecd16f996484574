"""Webhook URLs against SSRF over real HTTP, on a stack of its own where private targets are
NOT allowed (as in Azure): https only, and no loopback, private or link-local address."""

import pytest
from httpx import Client

from tests.utils.stack import start_stack, stop_stack
from tests.utils.tokens import bearer

WEBHOOKS = "/bookme/config/webhooks"


@pytest.fixture(scope="module")
def strict_api(tmp_path_factory):
    stack = start_stack(tmp_path_factory.mktemp("strict"), {"WEBHOOKS_ALLOW_PRIVATE_TARGETS": "false",
                                                            "BOOKME_DEMO_DATA": "false"})
    try:
        with Client(base_url=f"{stack.base_url}/v3/bookme", headers=bearer(stack.key_file, None), timeout=30) as api:
            yield api
    finally:
        stop_stack(stack)


@pytest.mark.parametrize("url", [
    "http://crm.bank.example/hook", "http://8.8.8.8/hook", "https://127.0.0.1/hook", "https://localhost:8443/hook",
    "https://10.1.2.3/hook", "https://192.168.0.10/hook", "https://169.254.169.254/latest", "https://[::1]/hook",
    "https://[fd00::1]/hook", "https://[fe80::1]/hook", "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:a9fe:a9fe]/hook", "https://0.0.0.0/hook", "https://no-such-host.invalid/hook",
])
def test_a_url_that_is_not_https_to_a_public_address_is_a_400(strict_api, url):
    response = strict_api.post(WEBHOOKS, json={"url": url, "events": ["meeting.created"]})
    assert response.status_code == 400, url
    assert "url" in response.json()["errors"]


def test_a_public_https_target_is_accepted_and_a_patch_to_a_private_one_is_a_400(strict_api):
    created = strict_api.post(WEBHOOKS, json={"url": "https://8.8.8.8/hook", "events": ["meeting.created"]})
    assert created.status_code == 201, created.text
    one = f"{WEBHOOKS}/{created.json()['id']}"
    patched = strict_api.patch(one, json=[{"op": "replace", "path": "/url", "value": "https://127.0.0.1/hook"}])
    assert patched.status_code == 400
    assert strict_api.get(one).json()["url"] == "https://8.8.8.8/hook"
    assert strict_api.delete(one).status_code == 204
