"""Loads the demo bank through the same stores the API uses; safe to run again."""

from shared.bootstrap import App
from shared.demo import bank, config_groups, config_schedules
from shared.services import crud, directory


async def load_demo_bank(app: App) -> None:
    for store, items, what in (
        (directory.customer_types(app), bank.CUSTOMER_TYPES, "customer type"),
        (directory.topics(app), bank.TOPICS, "meeting topic"),
        (directory.rooms(app), bank.ROOMS, "room"),
        (directory.employees(app), bank.EMPLOYEES, "employee"),
    ):
        for item in items:
            await crud.upsert(store, item, what)
    await config_schedules.load_config_and_schedules(app)
    await config_groups.load_config_groups(app)
