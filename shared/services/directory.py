"""Employees, rooms, meeting topics and customer types: the bank's directory data."""

from shared.bootstrap import App
from shared.errors import InvalidRequest
from shared.models.common import new_id
from shared.models.directory import (
    CustomerType,
    CustomerTypeWrite,
    Employee,
    EmployeeUpsert,
    MeetingTopic,
    MeetingTopicWrite,
    Room,
    RoomUpsert,
)
from shared.ports import Documents, Versioned
from shared.rules.topics import topics_for
from shared.services import crud


def employees(app: App) -> Documents[Employee]:
    return app.documents("employee", Employee)


def rooms(app: App) -> Documents[Room]:
    return app.documents("room", Room)


def topics(app: App) -> Documents[MeetingTopic]:
    return app.documents("topic", MeetingTopic)


def customer_types(app: App) -> Documents[CustomerType]:
    return app.documents("customerType", CustomerType, unique_keys=lambda c: [c.name.strip().lower()])


async def list_employees(app: App) -> list[Versioned[Employee]]:
    return sorted(await employees(app).list(), key=lambda v: v.item.name.lower())


async def upsert_employee(app: App, id: str, data: EmployeeUpsert, if_match: str | None):
    return await crud.upsert(employees(app), Employee(id=id, **data.model_dump()), "employee", if_match)


async def list_rooms(app: App) -> list[Versioned[Room]]:
    return sorted(await rooms(app).list(), key=lambda v: (v.item.location.lower(), v.item.name.lower()))


async def upsert_room(app: App, id: str, data: RoomUpsert, if_match: str | None):
    return await crud.upsert(rooms(app), Room(id=id, **data.model_dump()), "room", if_match)


async def require_existing(store: Documents, ids: list[str], field: str, what: str) -> None:
    """400 naming `field` when any of `ids` is unknown."""
    wanted = set(ids)
    if not wanted:
        return
    found = {v.item.id for v in await store.find_by("id", sorted(wanted))}
    missing = sorted(wanted - found)
    if missing:
        errors = {field: [f"Unknown {what} id {m}." for m in missing]}
        raise InvalidRequest(f"Unknown {what}: {', '.join(missing)}.", errors)


async def list_topics(app: App, is_customer: bool, customer_type_id: str | None) -> list[Versioned[MeetingTopic]]:
    stored = await topics(app).list()
    chosen = {t.id for t in topics_for([v.item for v in stored], is_customer, customer_type_id)}
    return sorted((v for v in stored if v.item.id in chosen), key=lambda v: v.item.name.lower())


async def create_topic(app: App, data: MeetingTopicWrite) -> Versioned[MeetingTopic]:
    await require_existing(customer_types(app), data.customer_type_ids, "customerTypeIds", "customer type")
    return await topics(app).create(MeetingTopic(id=new_id(), **data.model_dump()))


async def replace_topic(app: App, id: str, data: MeetingTopicWrite, if_match: str | None):
    await require_existing(customer_types(app), data.customer_type_ids, "customerTypeIds", "customer type")
    return await crud.update(topics(app), id, "meeting topic", lambda _: MeetingTopic(id=id, **data.model_dump()),
                             if_match)


async def list_customer_types(app: App) -> list[Versioned[CustomerType]]:
    return sorted(await customer_types(app).list(), key=lambda v: v.item.name.lower())


async def create_customer_type(app: App, data: CustomerTypeWrite) -> Versioned[CustomerType]:
    return await customer_types(app).create(CustomerType(id=new_id(), **data.model_dump()))


async def replace_customer_type(app: App, id: str, data: CustomerTypeWrite, if_match: str | None):
    return await crud.update(customer_types(app), id, "customer type",
                             lambda _: CustomerType(id=id, **data.model_dump()), if_match)
