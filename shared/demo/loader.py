"""Loads the demo bank through the same stores the API uses; safe to run again."""

from shared.context import Context
from shared.demo import bank, config_groups, config_schedules
from shared.demo.patience import patiently
from shared.services import crud, directory


async def load_demo_bank(ctx: Context) -> None:
    for store, items, what in (
        (directory.customer_types(ctx), bank.CUSTOMER_TYPES, "customer type"),
        (directory.topics(ctx), bank.TOPICS, "meeting topic"),
        (directory.rooms(ctx), bank.ROOMS, "room"),
        (directory.employees(ctx), bank.EMPLOYEES, "employee"),
    ):
        for item in items:
            await patiently(lambda: crud.upsert(store, item, what))  # noqa: B023 - awaited at once
    await config_schedules.load_config_and_schedules(ctx)
    await config_groups.load_config_groups(ctx)
