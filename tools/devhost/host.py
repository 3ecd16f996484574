"""Serve a FunctionApp the way the Functions host does, on one asyncio loop."""

import asyncio
import contextlib
import importlib
import inspect
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import azure.functions as func
from aiohttp import web
from azure.functions.servicebus import ServiceBusMessage
from azure.functions.timer import TimerRequest

from shared import request_ids
from shared.adapters import local_queue
from tools.devhost.ncrontab import Schedule
from tools.devhost.routes import Route, RouteTable
from tools.devhost.timer_locks import TimerLocks

log = logging.getLogger("devhost")
# Every queue's maxDeliveryCount (infra/app/servicebus.bicep). The functions set a message aside
# on its 10th delivery themselves; only one that could not even be set aside reaches this.
MAX_DELIVERY_COUNT = 20
# A file whose text is a fault for the local queues to inject (shared/adapters/local_queue.py); tests only.
QUEUE_FAULTS = "DEVHOST_QUEUE_FAULTS"
MAX_CONCURRENT_CALLS = 16  # host.json: extensions.serviceBus.messageHandlerOptions.maxConcurrentCalls
MAX_REQUEST_BYTES = 100 * 1024 * 1024  # the Functions host's request size limit


def redelivery_wait(delivery_count: int) -> float:
    """Seconds before a failed message is delivered again (Service Bus: when its lock is released)."""
    return min(2 ** delivery_count * 0.1, 5)


def resolve(value: str) -> str:
    """Binding expressions `%NAME%` name app settings, as in the Functions host."""
    if value.startswith("%") and value.endswith("%"):
        name = value.strip("%")
        if name not in os.environ:
            raise RuntimeError(f"App setting {name} is not set")
        return os.environ[name]
    return value


def quiet_sdk_logs() -> None:
    """The Azure SDKs log every HTTP call at INFO; the Functions host keeps them at warning."""
    for name in ("azure", "azure.core.pipeline.policies.http_logging_policy", "aiosmtpd", "mail.log"):
        logging.getLogger(name).setLevel(logging.WARNING)


def configure_logging() -> None:
    """One line per record, with the request id of the request that logged it ("-" outside one)."""
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")
    request_ids.install()
    quiet_sdk_logs()


def load_settings(root: Path) -> None:
    """local.settings.json Values become environment variables; the environment wins."""
    path = root / "local.settings.json"
    if path.exists():
        for key, value in json.loads(path.read_text()).get("Values", {}).items():
            os.environ.setdefault(key, str(value))


def route_prefix(root: Path) -> str:
    host = json.loads((root / "host.json").read_text())
    return host.get("extensions", {}).get("http", {}).get("routePrefix", "api").strip("/")


@dataclass
class Trigger:
    name: str
    kind: str
    binding: dict[str, Any]
    function: Any


def triggers(app: func.FunctionApp) -> list[Trigger]:
    """Index the app as the Python worker does: `app.get_functions()`."""
    found = []
    for function in app.get_functions():
        binding = function.get_trigger().get_dict_repr()
        found.append(Trigger(function.get_function_name(), binding["type"], binding, function.get_user_function()))
    return found


def host_problem(request: web.Request, status: int, title: str, detail: str) -> web.Response:
    """What the host itself answers (no function ran, or one crashed): problem details with a
    request id, like the catch-all function serves in Azure, never a bare text/plain page."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    request_id = request_ids.accept_or_new(request.headers.get(request_ids.HEADER))
    return web.Response(status=status, body=json.dumps(body).encode(), content_type="application/problem+json",
                        charset="utf-8", headers={request_ids.HEADER: request_id})


@web.middleware
async def problem_details(request: web.Request, handler: Any) -> web.StreamResponse:
    """aiohttp's own errors (body too large, no route) as problem details too."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return host_problem(request, error.status, error.reason, error.text or error.reason)


async def invoke(trigger: Trigger, argument: Any) -> Any:
    if inspect.iscoroutinefunction(trigger.function):
        return await trigger.function(argument)
    return await asyncio.to_thread(trigger.function, argument)


class Host:
    def __init__(self, app: func.FunctionApp, prefix: str = "api", storage: str | None = None):
        self.prefix = prefix
        # Like the Functions host, timers are singletons across instances when storage is set.
        self.timer_locks = TimerLocks(storage, os.environ.get("AzureFunctionsWebHost__hostid", "bookme-local")) \
            if storage and storage != "UseDevelopmentStorage=true" else None
        self.triggers = triggers(app)
        self.routes = RouteTable([
            Route(t.binding.get("route") or t.name, t,
                  frozenset(str(getattr(m, "value", m)).upper() for m in (t.binding.get("methods") or
                            ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])))
            for t in self.triggers if t.kind == "httpTrigger"
        ])
        self.dead_letters: list[dict[str, Any]] = []
        self._tasks: list[asyncio.Task] = []

    async def handle(self, request: web.Request) -> web.Response:
        path = request.path.strip("/")
        under_prefix = path == self.prefix or path.startswith(self.prefix + "/")
        matched = self.routes.match(path[len(self.prefix):], request.method) if under_prefix else None
        if matched is None:
            # Worded as the app's catch-all function words it (functions/health.py): the path as sent.
            return host_problem(request, 404, "Not Found", f"No resource at {request.rel_url.raw_path[:200]}.")
        route, params = matched
        body = await request.read()
        headers = {k: ", ".join(request.headers.getall(k)) for k in request.headers.keys()}
        http_request = func.HttpRequest(
            request.method, str(request.url), headers=headers, params=dict(request.query),
            route_params=params, body=body,
        )
        try:
            response = await invoke(route.target, http_request)
        except Exception:
            log.exception("Function %s failed", route.target.name)
            return host_problem(request, 500, "Internal Server Error", "The function failed unexpectedly.")
        if response is None:
            return web.Response(status=204)
        out = web.Response(status=response.status_code, body=response.get_body())
        for key, value in response.headers.items():
            out.headers[key] = value
        if "Content-Type" not in out.headers and response.mimetype:
            charset = f"; charset={response.charset}" if response.charset else ""
            out.headers["Content-Type"] = f"{response.mimetype}{charset}"
        return out

    async def run_timer(self, trigger: Trigger) -> None:
        schedule = Schedule(resolve(trigger.binding["schedule"]))
        if trigger.binding.get("runOnStartup"):
            await self.fire_timer(trigger, schedule)
        while True:
            now = datetime.now(UTC)
            due = schedule.next_after(now)
            await asyncio.sleep((due - now).total_seconds())
            await self.fire_timer(trigger, schedule, past_due=datetime.now(UTC) - due > timedelta(seconds=30))

    async def fire_timer(self, trigger: Trigger, schedule: Schedule, past_due: bool = False) -> bool:
        """Run one occurrence; False when another instance ran it."""

        async def run() -> None:
            await invoke(trigger, TimerRequest(past_due=past_due))

        try:
            if self.timer_locks is None:
                await run()
                return True
            now = datetime.now(UTC)
            return await self.timer_locks.run_once(trigger.name, run, now, schedule.next_after(now))
        except Exception:
            log.exception("Timer function %s failed", trigger.name)
            return True

    async def run_queue(self, trigger: Trigger) -> None:
        """Peek-lock semantics: a failed delivery is retried, and dead-lettered after the
        maximum delivery count, as Service Bus does. Up to MAX_CONCURRENT_CALLS messages are
        handled at once, so one slow message does not hold up the others."""
        name = resolve(trigger.binding["queueName"])
        queue = local_queue.queue(name)
        slots = asyncio.Semaphore(MAX_CONCURRENT_CALLS)
        running: set[asyncio.Task] = set()
        try:
            while True:
                entry = await queue.get()
                await slots.acquire()
                task = asyncio.create_task(self._deliver(trigger, name, entry, slots))
                running.add(task)
                task.add_done_callback(running.discard)
        finally:
            for task in list(running):
                task.cancel()

    async def _deliver(self, trigger: Trigger, name: str, entry: dict[str, Any], slots: asyncio.Semaphore) -> None:
        queue = local_queue.queue(name)
        try:
            if local_queue.expired(entry, datetime.now(UTC)):  # as Service Bus: an expired message is never delivered
                log.info("Message %s on %s expired undelivered", entry.get("message_id"), name)
                return
            entry["delivery_count"] = entry.get("delivery_count", 0) + 1
            message = ServiceBusMessage(
                body=entry["body"], message_id=entry["message_id"],
                delivery_count=entry["delivery_count"], content_type="application/json",
                enqueued_time_utc=entry.setdefault("enqueued", datetime.now(UTC)),
                application_properties=entry.get("application_properties") or {}, user_properties={},
            )
            try:
                await invoke(trigger, message)
            except Exception as error:
                log.exception("Service Bus function %s failed (delivery %d)", trigger.name, entry["delivery_count"])
                if entry["delivery_count"] >= MAX_DELIVERY_COUNT:
                    self.dead_letter(name, entry, error)
                else:
                    asyncio.get_running_loop().call_later(redelivery_wait(entry["delivery_count"]),
                                                          queue.put_nowait, entry)
        finally:
            queue.task_done()
            slots.release()

    def dead_letter(self, queue_name: str, entry: dict[str, Any], error: Exception) -> None:
        """Keep the message with the properties Service Bus sets on a dead-lettered message.
        Service Bus's own description says only the count; the last error is kept beside it."""
        entry.update({
            "queue": queue_name,
            "DeadLetterReason": "MaxDeliveryCountExceeded",
            "DeadLetterErrorDescription": f"Message could not be consumed after {entry['delivery_count']} "
                                          "delivery attempts.",
            "last_error": f"{type(error).__name__}: {error}",
        })
        self.dead_letters.append(entry)
        log.error("Dead-lettered message %s on %s: %s", entry.get("message_id"), queue_name, entry["last_error"])

    def start_background(self) -> None:
        for trigger in self.triggers:
            if trigger.kind == "timerTrigger":
                self._tasks.append(asyncio.create_task(self.run_timer(trigger)))
            elif trigger.kind == "serviceBusTrigger":
                self._tasks.append(asyncio.create_task(self.run_queue(trigger)))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def serve(root: Path, port: int, host: str = "127.0.0.1", ready: asyncio.Event | None = None) -> None:
    """Import function_app.py from `root` and serve it until cancelled."""
    quiet_sdk_logs()
    if os.environ.get(QUEUE_FAULTS):
        local_queue.inject_faults_from(Path(os.environ[QUEUE_FAULTS]))
    app_module = importlib.import_module("function_app")
    functions_host = Host(app_module.app, route_prefix(root), os.environ.get("AzureWebJobsStorage"))
    server = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=[problem_details])
    # [\s\S]: a path may hold an encoded newline, which `.` would not match.
    server.router.add_route("*", r"/{tail:[\s\S]*}", functions_host.handle)
    runner = web.AppRunner(server, access_log=None, shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise SystemExit(f"Port {port} is taken ({error.strerror}); set PORT to a free port.") from None
    functions_host.start_background()
    names = ", ".join(f"{t.name} [{t.kind}]" for t in functions_host.triggers)
    log.info("Functions: %s", names)
    log.info("BookMe is serving on http://localhost:%d/%s", port, functions_host.prefix)
    if ready is not None:
        ready.set()
    try:
        await asyncio.Event().wait()
    finally:
        await functions_host.stop()
        await runner.cleanup()
