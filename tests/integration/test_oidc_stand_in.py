"""The OpenID Connect stand-in (tools/oidc_provider.py) through the app's own client
(shared/adapters/oidc_http.py): discovery, keys, the sign-in form, and a token endpoint that
holds the client to PKCE."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from shared.adapters.oidc_http import HttpIdentityProvider
from shared.errors import BadGateway, ServiceUnavailable
from shared.models.common import utc_now
from shared.rules import id_tokens
from tools import localstack, oidc_provider

REDIRECT = "http://127.0.0.1:9/api/book/signin/callback"


@pytest.fixture
async def stand_in():
    port = localstack.free_port()
    runner = await oidc_provider.start(port)
    client = HttpIdentityProvider()
    yield f"http://localhost:{port}", client
    await client.close()
    await runner.cleanup()


async def _code(issuer: str, secrets: id_tokens.Secrets, claim: str, cpr: str = "010190-1234") -> str:
    url = id_tokens.authorization_url(f"{issuer}/authorize", "bookme-mitid", REDIRECT, claim, secrets)
    async with aiohttp.ClientSession() as browser:
        async with browser.get(url) as page:
            form = await page.text()
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
        assert 'name="username"' in form and 'name="cpr"' in form and form.count("<button") == 1
        fields = {k: html.unescape(v) for k, v in fields.items()}
        async with browser.post(f"{issuer}/authorize", data={**fields, "username": "anna", "cpr": cpr},
                                allow_redirects=False) as answer:
            location = answer.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(REDIRECT) and query["state"] == [secrets.state]
    return query["code"][0]


async def test_a_code_redeemed_with_its_verifier_gives_a_signed_id_token_with_the_cpr_asked_for(stand_in):
    issuer, client = stand_in
    metadata = await client.metadata(issuer)
    assert metadata["issuer"] == issuer and metadata["code_challenge_methods_supported"] == ["S256"]
    asked = id_tokens.Secrets("state-1", "nonce-1", "v" * 50)
    code = await _code(issuer, asked, "dk.cpr")
    answer = await client.redeem(metadata["token_endpoint"], id_tokens.token_request(
        code, REDIRECT, asked.verifier, "bookme-mitid", ""))
    claims = id_tokens.verified_claims(answer["id_token"], await client.keys(metadata["jwks_uri"]), issuer,
                                       "bookme-mitid", "nonce-1", utc_now())
    assert id_tokens.cpr_from(claims, "dk.cpr") == "010190-1234" and "cpr" not in claims
    with pytest.raises(BadGateway):  # a code is redeemed once
        await client.redeem(metadata["token_endpoint"], id_tokens.token_request(
            code, REDIRECT, asked.verifier, "bookme-mitid", ""))


async def test_the_token_endpoint_refuses_a_wrong_verifier(stand_in):
    issuer, client = stand_in
    metadata = await client.metadata(issuer)
    code = await _code(issuer, id_tokens.Secrets("s", "n", "right" * 10), "cpr")
    with pytest.raises(BadGateway):
        await client.redeem(metadata["token_endpoint"], id_tokens.token_request(
            code, REDIRECT, "wrong" * 10, "bookme-mitid", ""))


async def test_a_provider_that_cannot_be_reached_is_unavailable_not_a_crash():
    client = HttpIdentityProvider()
    try:
        with pytest.raises(ServiceUnavailable):
            await client.metadata(f"http://127.0.0.1:{localstack.free_port()}")
    finally:
        await client.close()
