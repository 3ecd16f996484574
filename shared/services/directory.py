"""Employees, rooms, meeting topics and customer types: the bank's directory data."""

from shared import kinds
from shared.context import Context
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


def employees(ctx: Context) -> Documents[Employee]:
    return ctx.store(kinds.EMPLOYEE)


def rooms(ctx: Context) -> Documents[Room]:
    return ctx.store(kinds.ROOM)


def topics(ctx: Context) -> Documents[MeetingTopic]:
    return ctx.store(kinds.TOPIC)


def customer_types(ctx: Context) -> Documents[CustomerType]:
    return ctx.store(kinds.CUSTOMER_TYPE)


async def list_employees(ctx: Context) -> list[Versioned[Employee]]:
    return sorted(await employees(ctx).list(), key=lambda v: v.item.name.lower())


async def upsert_employee(ctx: Context, id: str, data: EmployeeUpsert, if_match: str | None):
    return await crud.upsert(employees(ctx), Employee(id=id, **data.model_dump()), "employee", if_match)


async def list_rooms(ctx: Context) -> list[Versioned[Room]]:
    return sorted(await rooms(ctx).list(), key=lambda v: (v.item.location.lower(), v.item.name.lower()))


async def upsert_room(ctx: Context, id: str, data: RoomUpsert, if_match: str | None):
    return await crud.upsert(rooms(ctx), Room(id=id, **data.model_dump()), "room", if_match)


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


async def list_topics(ctx: Context, is_customer: bool, customer_type_id: str | None) -> list[Versioned[MeetingTopic]]:
    stored = await topics(ctx).list()
    chosen = {t.id for t in topics_for([v.item for v in stored], is_customer, customer_type_id)}
    return sorted((v for v in stored if v.item.id in chosen), key=lambda v: v.item.name.lower())


async def create_topic(ctx: Context, data: MeetingTopicWrite) -> Versioned[MeetingTopic]:
    await require_existing(customer_types(ctx), data.customer_type_ids, "customerTypeIds", "customer type")
    return await topics(ctx).create(MeetingTopic(id=new_id(), **data.model_dump()))


async def replace_topic(ctx: Context, id: str, data: MeetingTopicWrite, if_match: str | None):
    await require_existing(customer_types(ctx), data.customer_type_ids, "customerTypeIds", "customer type")
    return await crud.update(topics(ctx), id, "meeting topic", lambda _: MeetingTopic(id=id, **data.model_dump()),
                             if_match)


async def list_customer_types(ctx: Context) -> list[Versioned[CustomerType]]:
    return sorted(await customer_types(ctx).list(), key=lambda v: v.item.name.lower())


async def create_customer_type(ctx: Context, data: CustomerTypeWrite) -> Versioned[CustomerType]:
    return await customer_types(ctx).create(CustomerType(id=new_id(), **data.model_dump()))


async def replace_customer_type(ctx: Context, id: str, data: CustomerTypeWrite, if_match: str | None):
    return await crud.update(customer_types(ctx), id, "customer type",
                             lambda _: CustomerType(id=id, **data.model_dump()), if_match)
