"""The real local stack for integration and API tests: the Cosmos DB API server, Azurite, the
Microsoft Graph stand-in, an SMTP server and the local Functions host, each on a free loopback port."""

import email
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import httpx

from tools import localstack

ROOT = Path(__file__).resolve().parents[2]


def chores_app():
    """The app's timers (functions/chores.py, which function_app.py registers) in a FunctionApp of
    their own: an app indexes its functions once, and the worker (or a test) indexes the real one."""
    import azure.functions as func

    from functions import chores

    app = func.FunctionApp()
    app.register_functions(chores.bp)
    return app


def timer_schedules(ncrontab: str) -> dict[str, str]:
    """Every timer's schedule setting, as its binding names it, set to `ncrontab`."""
    from tools.devhost.host import triggers

    return {trigger.binding["schedule"].strip("%"): ncrontab for trigger in triggers(chores_app())}


class CollectingHandler:
    """An aiosmtpd handler that keeps every received message."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@dataclass
class Stack:
    base_url: str
    env: dict[str, str]
    key_file: Path
    mail: CollectingHandler
    processes: list[subprocess.Popen] = field(default_factory=list)
    host: subprocess.Popen | None = None
    smtp: object | None = None
    # The Cosmos DB API server itself, when the host talks to it through something else (a fault proxy).
    cosmos_direct: str = ""
    # Everything the local host wrote (stdout and stderr), for tests that read the logs.
    log_file: Path | None = None
    oidc_url: str = ""  # the OpenID Connect stand-in (tools/oidc_provider.py)

    @property
    def graph_url(self) -> str:
        """The Microsoft Graph stand-in's v1.0 base URL."""
        return self.env["GRAPH_BASE_URL"]

    def queue_fault(self, fault: str) -> None:
        """Make the host's local queues fail from now on: "refuse" (nothing is enqueued), "lose-answers"
        (enqueued, then the send fails), or "" (healthy again). See shared/adapters/local_queue.py."""
        Path(self.env["DEVHOST_QUEUE_FAULTS"]).write_text(fault)

    def wait_for_mail(self, count: int, timeout: float = 15, predicate=lambda m: True) -> list[Message]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matching = [m for m in self.mail.messages if predicate(m)]
            if len(matching) >= count:
                return matching
            time.sleep(0.05)
        return [m for m in self.mail.messages if predicate(m)]


def start_stack(tmp: Path, extra_env: dict[str, str] | None = None,
                cosmos_front: Callable[[str], str] | None = None) -> Stack:
    """`cosmos_front`: given the Cosmos DB API server's endpoint, the endpoint the host should use
    instead (a fault proxy in front of it)."""
    from aiosmtpd.controller import Controller

    processes = localstack.start_emulators_for_tests(tmp)
    cosmos_direct = os.environ["COSMOS_ENDPOINT"]
    handler = CollectingHandler()
    smtp_port = localstack.free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    key_file = tmp / "dev-signing-key.pem"
    port = localstack.free_port()
    oidc_port = localstack.free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("COSMOS_", "AUTH_", "SMTP_"))},
        **localstack.emulator_settings(),
        **({"COSMOS_ENDPOINT": cosmos_front(cosmos_direct)} if cosmos_front else {}),
        "COSMOS_DATABASE": f"bookme-test-{uuid.uuid4().hex[:8]}",
        "AUTH_DEV_KEY_FILE": str(key_file),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "PORT": str(port),
        "BOOKME_DEMO_DATA": "true",
        **timer_schedules("*/2 * * * * *"),
        # Webhook receivers in tests listen on loopback; retries come in seconds, not hours.
        "WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
        "WEBHOOK_RETRY_SCHEDULE": "00:00:01,00:00:01,00:00:02,00:00:02,00:00:03,00:00:03,00:00:05,00:00:05",
        "WEBHOOK_TIMEOUT": "00:00:02",
        # The timer re-publishes an outbox the queue refused after 1 s, 2 s, 4 s... instead of 30 s, 1 min...
        "OUTBOX_REPUBLISH_AFTER": "00:00:01",
        # Stack.queue_fault(...) writes this file: the local queues refuse, or lose their answers.
        "DEVHOST_QUEUE_FAULTS": str(tmp / "queue-faults"),
        # The demo bank syncs its advisors' Outlook calendars with the stand-in; retries come in seconds.
        "OUTLOOK_SUBSCRIPTIONS_SCHEDULE": "*/2 * * * * *",
        "OUTLOOK_RETRY_SCHEDULE": "00:00:01,00:00:01,00:00:02,00:00:02,00:00:03",
        "PYTHONUNBUFFERED": "1",
        # The booking page: its own address, sign-in at the OpenID Connect stand-in, reminders every 2 s.
        "OIDC_PORT": str(oidc_port),
        "BOOKING_PAGE_URL": f"http://127.0.0.1:{port}/api/book",
        "MITID_ISSUER": f"http://127.0.0.1:{oidc_port}", "AZUREAD_ISSUER": f"http://127.0.0.1:{oidc_port}",
        "REMINDERS_SCHEDULE": "*/2 * * * * *",
        **(extra_env or {}),
    }
    log = open(tmp / "host.log", "ab")  # noqa: SIM115 - closed with the process
    host = subprocess.Popen([sys.executable, "-m", "tools.localstack", "run"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    stack = Stack(f"http://127.0.0.1:{port}/api", env, key_file, handler, processes, host, controller,
                  cosmos_direct, log_file=tmp / "host.log", oidc_url=f"http://127.0.0.1:{oidc_port}")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if host.poll() is not None:
            stop_stack(stack)
            raise RuntimeError(f"The local host exited: {(tmp / 'host.log').read_text()[-3000:]}")
        try:
            if httpx.get(f"{stack.base_url}/health", timeout=1).status_code == 200:
                return stack
        except httpx.HTTPError:
            time.sleep(0.1)
    stop_stack(stack)
    raise RuntimeError("The local host did not become healthy in 90 s")


def stop_stack(stack: Stack) -> None:
    if stack.host is not None and stack.host.poll() is None:
        stack.host.terminate()
        try:
            stack.host.wait(timeout=10)
        except subprocess.TimeoutExpired:
            stack.host.kill()
    if stack.smtp is not None:
        stack.smtp.stop()
    localstack.stop(stack.processes)
