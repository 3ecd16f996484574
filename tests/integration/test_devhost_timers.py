"""The local host runs a timer occurrence on one instance only, through a blob lease in
Azurite, and records the schedule status there, as the Functions host does."""

import asyncio
import json

import azure.functions as func
from azure.storage.blob.aio import BlobServiceClient

from tools.devhost.host import Host
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
