"""find_slots agrees with the naive reference on random schedules, busy time, buffers, caps and queries
(strategies in tests/utils/availability_strategies.py)."""

import dataclasses
from collections import Counter
from zoneinfo import ZoneInfo

from hypothesis import given

from bench.naive_availability import naive_find_slots
from shared.rules.availability import Notes, find_slots
from tests.utils.availability_strategies import examples, scenarios


@examples(120)
@given(scenarios())
def test_engine_gives_exactly_the_naive_answer(scenario):
    org, advisors, rooms, query = scenario
    assert find_slots(org, advisors, rooms, query) == naive_find_slots(org, advisors, rooms, query)


@examples(50)
@given(scenarios())
def test_joint_slots_are_the_times_and_types_every_listed_advisor_offers_alone(scenario):
    org, advisors, rooms, query = scenario
    ids = list(dict.fromkeys(query.explicit_ids))
    by_id = {advisor.employee_id: advisor for advisor in advisors}
    joint = find_slots(org, advisors, rooms, dataclasses.replace(query, require_all=True))
    if not ids or any(employee_id not in by_id for employee_id in ids):
        assert joint == []
        return
    alone = dataclasses.replace(query, require_all=False, require_room=False)
    offered = [
        {(slot.start, slot.meeting_type) for slot in find_slots(org, [by_id[employee_id]], [], alone)}
        for employee_id in ids
    ]
    expected = set.intersection(*offered)
    assert {(slot.start, slot.meeting_type) for slot in joint} <= expected
    if not query.require_room:
        assert {(slot.start, slot.meeting_type) for slot in joint} == expected
    assert all(slot.employee_id == ids[0] and slot.additional_employees == tuple(ids[1:]) for slot in joint)


@examples(25)
@given(scenarios())
def test_engine_ignores_the_order_advisors_and_busy_time_come_in(scenario):
    org, advisors, rooms, query = scenario
    shuffled = [
        dataclasses.replace(advisor, workdays=advisor.workdays[::-1], busy=advisor.busy[::-1])
        for advisor in reversed(advisors)
    ]
    assert find_slots(org, shuffled, rooms, query) == find_slots(org, advisors, rooms, query)


@examples(80)
@given(scenarios())
def test_notes_change_no_slot_and_count_each_employees_slots_per_local_day(scenario):
    org, advisors, rooms, query = scenario
    notes = Notes()
    slots = find_slots(org, advisors, rooms, query, notes)
    assert slots == find_slots(org, advisors, rooms, query)
    zone = ZoneInfo(org.time_zone)
    expected: Counter = Counter()
    for slot in slots:
        for employee_id in (slot.employee_id, *slot.additional_employees):
            expected[employee_id, slot.start.astimezone(zone).date()] += 1
    noted = Counter()
    for advisor in advisors:
        note = notes.employee(advisor.employee_id)
        if note.excluded is not None:
            assert note.days == ()
            assert all(key[0] != advisor.employee_id for key in expected)
            continue
        assert [day.date for day in note.days] == notes.dates
        noted.update({(advisor.employee_id, day.date): day.slot_count for day in note.days if day.slot_count})
    assert noted == expected
