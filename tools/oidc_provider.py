"""A local OpenID Connect provider standing in for MitID (through a broker) and Entra ID, for
the booking page's sign-in (`make run` serves it on OIDC_PORT, default 7074; so does the test
stack, on a free port).

It speaks the authorization code flow with PKCE as the real ones do: a discovery document, a
JWK Set, an authorization endpoint whose sign-in page is an HTML form with the fields
`username` and `cpr` and one submit button, and a token endpoint that checks the code, the
client, the redirect URI and the PKCE verifier and returns an RS256-signed ID token. It signs in
whoever submits the form, with that CPR number under every claim name the client asks for in
the `claims` request parameter (the booking page asks for the claim its portal's setting names),
else under `cpr`.

Faults for tests: POST /faults with {"faults": [...]} (GET shows them; [] clears), each until
cleared: `deny` (the sign-in answers error=access_denied), `token-error` (500), `token-refused`
(400 invalid_grant), `token-slow` (answers after 15 s), `bad-signature`, `wrong-nonce`,
`wrong-audience`, `wrong-issuer`, `expired`, `no-cpr`, `rotated-key` (signs with a key the JWK
Set lists only after a refresh).

    python -m tools.oidc_provider --port 7074
"""

import argparse
import asyncio
import base64
import hashlib
import html
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

DEMO_USERS = (("anna.jensen", "010190-1234"), ("lars.nielsen", "150585-4321"), ("mette.hansen", "241299-2468"))
CODE_LIFE = 120
FAULTS = {"deny", "token-error", "token-refused", "token-slow", "bad-signature", "wrong-nonce", "wrong-audience",
          "wrong-issuer", "expired", "no-cpr", "rotated-key"}
_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'"


def _key(kid: str):
    from joserfc.jwk import RSAKey

    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    claim_names: list[str]
    username: str
    cpr: str
    expires: float


@dataclass
class Provider:
    issuer: str
    faults: set[str] = field(default_factory=set)
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens_issued: int = 0

    def __post_init__(self) -> None:
        self.key, self.stranger, self.next_key = _key("standin-1"), _key("stranger"), _key("standin-2")
        self.keys_served = 0

    def metadata(self) -> dict[str, Any]:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
                "claims_parameter_supported": True, "scopes_supported": ["openid"]}

    def key_set(self) -> dict[str, Any]:
        from joserfc.jwk import KeySet

        self.keys_served += 1
        listed = [self.key, self.next_key] if "rotated-key" in self.faults and self.keys_served > 1 else [self.key]
        return KeySet(listed).as_dict(private=False)

    def id_token(self, grant: Grant) -> str:
        from joserfc import jwt

        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": "https://evil.example" if "wrong-issuer" in self.faults else self.issuer,
            "sub": hashlib.sha256(f"{grant.client_id}|{grant.username}".encode()).hexdigest()[:32],
            "aud": "someone-else" if "wrong-audience" in self.faults else grant.client_id,
            "iat": now - (7200 if "expired" in self.faults else 0),
            "exp": now + (-3600 if "expired" in self.faults else 300),
            "nonce": "replayed" if "wrong-nonce" in self.faults else grant.nonce,
            "name": grant.username,
        }
        if "no-cpr" not in self.faults:
            for name in grant.claim_names or ["cpr"]:
                claims[name] = grant.cpr
        key = self.stranger if "bad-signature" in self.faults else \
            self.next_key if "rotated-key" in self.faults else self.key
        self.tokens_issued += 1
        return jwt.encode({"alg": "RS256", "kid": key.kid if "bad-signature" not in self.faults else "standin-1"},
                          claims, key)


def _claim_names(raw: str | None) -> list[str]:
    try:
        asked = json.loads(raw) if raw else {}
        names = list((asked.get("id_token") or {}).keys())
    except (ValueError, AttributeError):
        return []
    return [n for n in names if isinstance(n, str) and 0 < len(n) <= 200]


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _form_page(params: dict[str, str], error: str = "") -> str:
    hidden = "\n".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                       for k, v in params.items())
    users = ", ".join(f"{u} / {c}" for u, c in DEMO_USERS)
    problem = f'<p role="alert">{html.escape(error)}</p>' if error else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in (local stand-in)</title>
<style>body{{font-family:system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;
background:#fff}}label{{display:block;margin-top:1rem;font-weight:600}}input{{font:inherit;padding:.5rem;width:100%;
box-sizing:border-box}}button{{font:inherit;margin-top:1.5rem;padding:.6rem 1.2rem;color:#fff;background:#1f3a68;
border:0}}</style></head>
<body><main><h1>Sign in</h1>
<p>Local OpenID Connect stand-in for MitID and Entra ID. It signs in whoever you say, with the CPR number
you give. Demo users: {html.escape(users)}.</p>
{problem}
<form method="post" action="authorize">
{hidden}
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required>
<label for="cpr">CPR number</label>
<input id="cpr" name="cpr" inputmode="numeric" pattern="[0-9]{{6}}-?[0-9]{{4}}" required>
<button type="submit">Sign in</button>
</form></main></body></html>"""


_AUTHORIZE_PARAMS = ("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
                     "code_challenge_method", "claims")


def _authorization_error(params: dict[str, str]) -> str | None:
    if params.get("response_type") != "code":
        return "response_type must be code"
    if not params.get("client_id") or not params.get("redirect_uri", "").startswith(("http://", "https://")):
        return "client_id and an http(s) redirect_uri are required"
    if "openid" not in params.get("scope", "").split():
        return "scope must include openid"
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        return "PKCE with S256 is required"
    if not params.get("nonce") or not params.get("state"):
        return "state and nonce are required"
    return None


def build_app(provider: Provider) -> web.Application:
    routes = web.RouteTableDef()

    @routes.get("/.well-known/openid-configuration")
    async def discovery(request: web.Request) -> web.Response:
        return web.json_response(provider.metadata())

    @routes.get("/jwks")
    async def jwks(request: web.Request) -> web.Response:
        return web.json_response(provider.key_set())

    @routes.get("/authorize")
    async def authorize_page(request: web.Request) -> web.Response:
        params = {k: request.query[k] for k in _AUTHORIZE_PARAMS if k in request.query}
        problem = _authorization_error(params)
        if problem:
            return web.Response(status=400, text=problem)
        return web.Response(text=_form_page(params), content_type="text/html",
                            headers={"Content-Security-Policy": _PAGE_CSP})

    @routes.post("/authorize")
    async def authorize(request: web.Request) -> web.Response:
        form = await request.post()
        params = {k: str(form[k]) for k in _AUTHORIZE_PARAMS if k in form}
        problem = _authorization_error(params)
        if problem:
            return web.Response(status=400, text=problem)
        redirect, state = params["redirect_uri"], params["state"]
        if "deny" in provider.faults:
            raise web.HTTPFound(f"{redirect}?{urlencode({'error': 'access_denied', 'state': state})}")
        username, cpr = str(form.get("username", "")).strip(), str(form.get("cpr", "")).strip()
        if not username or not cpr:
            return web.Response(text=_form_page(params, "Give a username and a CPR number."), status=400,
                                content_type="text/html", headers={"Content-Security-Policy": _PAGE_CSP})
        code = secrets.token_urlsafe(32)
        provider.grants[code] = Grant(params["client_id"], redirect, params["nonce"], params["code_challenge"],
                                      _claim_names(params.get("claims")), username, cpr, time.time() + CODE_LIFE)
        raise web.HTTPFound(f"{redirect}?{urlencode({'code': code, 'state': state})}")

    @routes.post("/token")
    async def token(request: web.Request) -> web.Response:
        form = await request.post()
        if "token-error" in provider.faults:
            return web.json_response({"error": "server_error"}, status=500)
        if "token-slow" in provider.faults:
            await asyncio.sleep(15)
        grant = provider.grants.pop(str(form.get("code", "")), None)
        refused = "token-refused" in provider.faults or grant is None or grant.expires < time.time() or \
            form.get("grant_type") != "authorization_code" or form.get("client_id") != grant.client_id or \
            form.get("redirect_uri") != grant.redirect_uri or \
            _challenge(str(form.get("code_verifier", ""))) != grant.challenge
        if refused:
            return web.json_response({"error": "invalid_grant"}, status=400)
        return web.json_response({"access_token": secrets.token_urlsafe(32), "token_type": "Bearer",
                                  "expires_in": 300, "id_token": provider.id_token(grant)},
                                 headers={"Cache-Control": "no-store"})

    @routes.get("/faults")
    async def faults(request: web.Request) -> web.Response:
        return web.json_response({"faults": sorted(provider.faults), "tokensIssued": provider.tokens_issued})

    @routes.post("/faults")
    async def set_faults(request: web.Request) -> web.Response:
        wanted = set((await request.json()).get("faults") or [])
        if wanted - FAULTS:
            return web.json_response({"error": f"unknown faults {sorted(wanted - FAULTS)}"}, status=400)
        provider.faults = wanted
        return web.json_response({"faults": sorted(provider.faults)})

    app = web.Application()
    app.add_routes(routes)
    return app


async def start(port: int, host: str = "127.0.0.1", issuer: str | None = None) -> web.AppRunner:
    """Serve the stand-in on loopback until the runner is cleaned up."""
    provider = Provider(issuer or f"http://localhost:{port}")
    runner = web.AppRunner(build_app(provider), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, reuse_address=True).start()
    except OSError as error:
        await runner.cleanup()
        raise SystemExit(f"OIDC_PORT {port} is taken ({error.strerror}); set OIDC_PORT to a free port.") from None
    return runner


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=7074)
    args = parser.parse_args()

    async def serve() -> None:
        await start(args.port)
        print(f"OpenID Connect stand-in on http://localhost:{args.port}")
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
