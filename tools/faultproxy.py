"""A fault-injecting HTTPS proxy in front of the Cosmos DB API server, for resilience tests.

It terminates TLS with a throw-away self-signed certificate (the SDK runs with
connection_verify=False locally), forwards each request to the real server, and on a
configurable share of document requests (paths with /docs: reads, queries, writes, batches)
answers as a struggling Cosmos DB account would instead:

- `throttle`: 429 with `x-ms-retry-after-ms`, before the request reaches the server;
- `unavailable`: 503, before the request reaches the server;
- `gone`: 410 with sub-status 1002 (partition key range gone), before the server;
- `timeout`: the request is held and never answered (the client's timeout fires);
- `lost_answer`: the request IS applied, then answered 503 (an ambiguous commit);
- `lost_timeout`: the request IS applied, then never answered (an ambiguous commit).

The account document (GET /) is rewritten so that the SDK's endpoint discovery keeps
talking to the proxy. Use it from tests (`FaultProxy(...).start()` in a thread) or alone:

    python -m tools.faultproxy --upstream https://127.0.0.1:8081 --port 8082 --throttle 0.4
"""

import argparse
import asyncio
import datetime
import ipaddress
import json
import random
import ssl
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "accept-encoding",
              "content-encoding", "upgrade", "te", "trailer", "proxy-connection"}
FAULTS_BEFORE = ("throttle", "unavailable", "gone", "timeout")
FAULTS_AFTER = ("lost_answer", "lost_timeout")


@dataclass
class Faults:
    """The share (0 to 1) of document requests that meet each fault; the rest pass."""

    throttle: float = 0.0
    unavailable: float = 0.0
    gone: float = 0.0
    timeout: float = 0.0
    lost_answer: float = 0.0
    lost_timeout: float = 0.0
    retry_after_ms: int = 50
    # How long a "timed out" request is held before its connection is dropped.
    hold_seconds: float = 12.0

    def pick(self, draw: float) -> str | None:
        edge = 0.0
        for name in (*FAULTS_BEFORE, *FAULTS_AFTER):
            edge += getattr(self, name)
            if draw < edge:
                return name
        return None


def self_signed_context(directory: Path) -> ssl.SSLContext:
    """A server TLS context for 127.0.0.1 with a new self-signed certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bookme-faultproxy")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                    x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "faultproxy.crt", directory / "faultproxy.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


class FaultProxy:
    """Forwards to `upstream`, injecting `faults`; `counts` says what it did to how many requests."""

    def __init__(self, upstream: str, faults: Faults | None = None, port: int = 0, seed: int | None = None):
        self.upstream = upstream.rstrip("/")
        self.faults = faults or Faults()
        self.port = port
        self.counts: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._workdir = tempfile.TemporaryDirectory(prefix="faultproxy-")

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    async def serve(self) -> None:
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=False, limit=0),
                                              auto_decompress=False)
        server = web.Application(client_max_size=64 * 1024 * 1024)
        server.router.add_route("*", "/{tail:.*}", self.handle)
        self._runner = web.AppRunner(server, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port,
                           ssl_context=self_signed_context(Path(self._workdir.name)))
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001 - the port the system picked

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def start(self) -> "FaultProxy":
        """Serve on a loop of its own in a daemon thread (for tests that are not async)."""
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self.serve())
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="faultproxy", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("The fault proxy did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            asyncio.run_coroutine_threadsafe(self.close(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._workdir.cleanup()

    def _fault_for(self, request: web.Request) -> str | None:
        if "/docs" not in request.path:
            return None
        return self.faults.pick(self._random.random())

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        fault = self._fault_for(request)
        self.counts[fault or "passed"] += 1
        if fault in FAULTS_BEFORE:
            return await self._refuse(request, fault)
        status, headers, payload = await self._forward(request, body)
        if fault == "lost_answer":
            return self._cosmos_error(503, "ServiceUnavailable", "Injected: applied, then answered 503.")
        if fault == "lost_timeout":
            return await self._hold(request)
        return web.Response(status=status, headers=headers, body=payload)

    async def _refuse(self, request: web.Request, fault: str) -> web.StreamResponse:
        if fault == "throttle":
            return self._cosmos_error(429, "TooManyRequests", "Injected: request rate is large.",
                                      {"x-ms-retry-after-ms": str(self.faults.retry_after_ms),
                                       "x-ms-substatus": "3200"})
        if fault == "unavailable":
            return self._cosmos_error(503, "ServiceUnavailable", "Injected: service unavailable.")
        if fault == "gone":
            return self._cosmos_error(410, "Gone", "Injected: partition key range gone.", {"x-ms-substatus": "1002"})
        return await self._hold(request)

    async def _hold(self, request: web.Request) -> web.StreamResponse:
        """Answer nothing: hold the request, then drop the connection."""
        await asyncio.sleep(self.faults.hold_seconds)
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=408)

    @staticmethod
    def _cosmos_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
        return web.Response(status=status, content_type="application/json",
                            text=json.dumps({"code": code, "message": message}), headers=headers or {})

    async def _forward(self, request: web.Request, body: bytes) -> tuple[int, dict[str, str], bytes]:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with self._session.request(request.method, self.upstream + request.path_qs, headers=headers,
                                         data=body) as response:
            payload = await response.read()
            out = {k: v for k, v in response.headers.items() if k.lower() not in HOP_BY_HOP}
        if request.path == "/" and request.method == "GET":
            # The account names its own address as the write and read region; name the proxy instead.
            upstream_host = urlsplit(self.upstream).netloc
            payload = payload.replace(upstream_host.encode(), f"127.0.0.1:{self.port}".encode())
        if "content-location" in {k.lower() for k in out}:
            out = {k: v.replace(urlsplit(self.upstream).netloc, f"127.0.0.1:{self.port}") for k, v in out.items()}
        return response.status, out, payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", required=True, help="the Cosmos DB API server, e.g. https://127.0.0.1:8081")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=None)
    for field in fields(Faults):
        parser.add_argument(f"--{field.name.replace('_', '-')}", type=type(field.default), default=field.default)
    args = parser.parse_args()
    faults = Faults(**{f.name: getattr(args, f.name) for f in fields(Faults)})

    async def run() -> None:
        proxy = FaultProxy(args.upstream, faults, args.port, args.seed)
        await proxy.serve()
        print(f"fault proxy on {proxy.endpoint} -> {proxy.upstream} with {faults}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await proxy.close()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
