"""The local host runs a timer occurrence on one instance only, through a blob lease in
Azurite, and records the schedule status there, as the Functions host does."""

import asyncio
import json
import logging
import os
import uuid

import azure.functions as func
from azure.storage.blob.aio import BlobServiceClient

from shared import bootstrap
from tests.utils.stack import chores_app, timer_schedules
from tools.devhost.host import Host, resolve
from tools.devhost.ncrontab import Schedule


def _timer_app(runs: list[int]) -> func.FunctionApp:
    app = func.FunctionApp()

    @app.timer_trigger(schedule="*/5 * * * * *", arg_name="timer", run_on_startup=False)
    async def sweep(timer: func.TimerRequest) -> None:
        runs.append(1)
        await asyncio.sleep(0.5)

    return app


async def test_two_instances_firing_the_same_timer_run_it_once(stack):
    runs: list[int] = []
    storage = stack.env["AzureWebJobsStorage"]
    first, second = Host(_timer_app(runs), storage=storage), Host(_timer_app(runs), storage=storage)
    trigger_a = next(t for t in first.triggers if t.kind == "timerTrigger")
    trigger_b = next(t for t in second.triggers if t.kind == "timerTrigger")
    schedule = Schedule("*/5 * * * * *")
    ran = await asyncio.gather(first.fire_timer(trigger_a, schedule), second.fire_timer(trigger_b, schedule))
    assert sorted(ran) == [False, True]
    assert len(runs) == 1


async def test_the_schedule_status_is_kept_in_storage(stack):
    runs: list[int] = []
    host = Host(_timer_app(runs), storage=stack.env["AzureWebJobsStorage"])
    trigger = next(t for t in host.triggers if t.kind == "timerTrigger")
    assert await host.fire_timer(trigger, Schedule("*/5 * * * * *"))
    async with BlobServiceClient.from_connection_string(stack.env["AzureWebJobsStorage"]) as service:
        blob = service.get_blob_client("azure-webjobs-hosts", "timers/bookme-local/sweep/status")
        status = json.loads(await (await blob.download_blob()).readall())
    assert status["Next"] > status["Last"]


async def test_each_chore_of_the_app_runs_under_the_local_host_on_its_own_schedule_setting(stack, ctx, monkeypatch,
                                                                                           caplog):
    # Leases of its own, beside those of the stack's host, which runs the same timers.
    monkeypatch.setenv("AzureFunctionsWebHost__hostid", f"chores-{uuid.uuid4().hex[:8]}")
    for name, value in timer_schedules("*/5 * * * * *").items():
        monkeypatch.setenv(name, value)
    host = Host(chores_app(), storage=stack.env["AzureWebJobsStorage"])
    timers = host.triggers
    assert {trigger.name for trigger in timers} >= {"expire_reservations", "republish_outbox",
                                                    "erase_personal_data_past_retention", "forget_idempotency_keys"}
    bootstrap.set_context(ctx)  # the stack's Cosmos DB
    try:
        for trigger in timers:
            assert await host.fire_timer(trigger, Schedule(resolve(trigger.binding["schedule"])))
    finally:
        bootstrap.set_context(None)
    ours = [r for r in caplog.records if r.name.startswith(("devhost", "functions", "shared"))]
    assert [f"{r.name}: {r.getMessage()}" for r in ours if r.levelno >= logging.WARNING] == []
    async with BlobServiceClient.from_connection_string(stack.env["AzureWebJobsStorage"]) as service:
        for trigger in timers:
            blob = service.get_blob_client("azure-webjobs-hosts",
                                           f"timers/{os.environ['AzureFunctionsWebHost__hostid']}/{trigger.name}/status")
            status = json.loads(await (await blob.download_blob()).readall())
            assert status["Next"] > status["Last"], trigger.name
