"""A webhook receiver for local development: prints every event BookMe POSTs to it and
checks its Standard Webhooks signature.

    .venv/bin/python -m tools.webhook_receiver --port 9000 --secret "$SECRET"

Listens on http://127.0.0.1:PORT/ (any path); answers 204, or 401 when a secret is given and
the signature does not match. Ctrl-C stops it.
"""

import argparse
import json
import time

from aiohttp import web

from shared.rules.webhook_signing import SignatureMismatch, verify


def build(secret: str | None) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        verdict = "signature not checked (no --secret)"
        if secret:
            try:
                verify(secret, dict(request.headers), body, now=int(time.time()))
                verdict = "signature valid"
            except SignatureMismatch as error:
                print(f"REFUSED {request.headers.get('webhook-id')}: {error}", flush=True)
                return web.Response(status=401)
        print(f"{request.headers.get('webhook-id')} ({verdict})", flush=True)
        print(json.dumps(json.loads(body), indent=2, ensure_ascii=False), flush=True)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/{tail:.*}", receive)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", default=None, help="the subscription's whsec_ secret")
    args = parser.parse_args()
    web.run_app(build(args.secret), host="127.0.0.1", port=args.port, print=lambda _: print(
        f"Receiving webhooks on http://127.0.0.1:{args.port}/hook", flush=True))


if __name__ == "__main__":
    main()
