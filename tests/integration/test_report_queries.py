"""The service level's one bookings query (contract section 25) against the real Cosmos API server:
meetings by bookedBy, employee and the moment they were booked, in any day, projected to the
fields the report needs."""

import uuid
from datetime import UTC, datetime, timedelta

from shared.models.common import format_utc
from shared.ports import Op

MADE = datetime(2046, 3, 4, 9, tzinfo=UTC)


def meeting(employee_id: str, made: datetime, booked_by: str = "Customer", **fields) -> dict:
    id = str(uuid.uuid4())
    return {"id": id, "type": "meeting", "bookedBy": booked_by, "employeeId": employee_id, "customerId": "c-1",
            "cpr": "0101011234", "title": "Not for reports", "dateCreated": format_utc(made),
            "startDate": format_utc(made + timedelta(days=1)), "endDate": format_utc(made + timedelta(days=1, hours=1)),
            "sequence": 0, **fields}


async def store(ctx, day: str, *documents: dict) -> None:
    await ctx.bookings.commit(day, [Op("create", d["id"], d) for d in documents])


async def test_bookings_made_are_found_by_who_booked_for_whom_and_when_in_any_day(ctx):
    amy, bob, other = (str(uuid.uuid4()) for _ in range(3))
    counted = [meeting(amy, MADE), meeting(bob, MADE + timedelta(hours=20), "PortalCustomer"),
               meeting(amy, MADE + timedelta(hours=23, minutes=59), moving={"to": "2046-03-09", "moveId": "m",
                                                                            "since": format_utc(MADE)})]
    ignored = [meeting(amy, MADE, "Employee"), meeting(other, MADE), meeting(amy, MADE - timedelta(microseconds=1000)),
               meeting(amy, MADE + timedelta(days=1)), {**meeting(amy, MADE), "type": "cancelledMeeting"}]
    await store(ctx, "2046-03-05", *counted[:2], *ignored[:3])
    await store(ctx, "2046-03-06", counted[2], *ignored[3:])

    found = await ctx.bookings.bookings_made([amy, bob], ["Customer", "PortalCustomer"], MADE,
                                             MADE + timedelta(days=1))
    assert sorted(d["id"] for d in found) == sorted(d["id"] for d in counted)
    assert all(set(d) <= {"id", "pk", "employeeId", "bookedBy", "startDate", "dateCreated", "sequence", "moving",
                          "moveId"}
               for d in found), "personal data is not read"
    assert next(d for d in found if d["id"] == counted[2]["id"])["moving"]["moveId"] == "m"
    assert await ctx.bookings.bookings_made([], ["Customer"], MADE, MADE + timedelta(days=1)) == []
