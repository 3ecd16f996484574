"""Rooms added to meetings (contract section 13) and Idempotency-Key helpers (section 11)."""

import pytest

from shared.errors import InvalidRequest, Unprocessable
from shared.models.directory import Room
from shared.rules import idempotency
from shared.rules.booking import Calendar, Entry
from shared.rules.locations import meeting_location
from shared.rules.rooms import choose_room, rooms_at
from tests.utils.availability_builders import utc

NOW = utc("2025-10-01 00:00")
START, END = utc("2025-10-06 10:00"), utc("2025-10-06 11:00")


def a_room(name: str, capacity: int, location: str = "Aarhus", active: bool = True) -> Room:
    return Room(id=f"00000000-0000-4000-8000-{abs(hash(name)) % 10**12:012d}", name=name, capacity=capacity,
                location=location, is_active=active)


def held(room: Room, start: str, end: str) -> Calendar:
    return Calendar(f"room:{room.id}", (Entry("m1", "meeting", utc(start), utc(end)),), "etag")


def test_the_meeting_location_is_the_workdays_else_the_employees():
    assert meeting_location("Aarhus", "Odense") == "Aarhus"
    assert meeting_location(None, "Odense") == meeting_location("  ", "Odense") == "Odense"
    assert meeting_location(None, None) is None


def test_only_active_rooms_of_the_location_smallest_first_ties_by_name():
    rooms = [a_room("Birch", 6), a_room("alder", 6), a_room("Big", 20), a_room("Closed", 2, active=False),
             a_room("Elsewhere", 2, location="Odense")]
    assert [room.name for room in rooms_at(rooms, " aarhus")] == ["alder", "Birch", "Big"]


def test_chooses_the_smallest_free_room_that_seats_everyone():
    small, medium, large = a_room("Small", 2), a_room("Medium", 4), a_room("Large", 10)
    candidates = rooms_at([large, medium, small], "Aarhus")
    assert choose_room(candidates, 3, {}, START, END, NOW) == medium
    busy = {f"room:{medium.id}": held(medium, "2025-10-06 10:30", "2025-10-06 12:00")}
    assert choose_room(candidates, 3, busy, START, END, NOW) == large
    assert choose_room(candidates, 3, busy, START, END, NOW, excluded={"m1"}) == medium
    assert choose_room(candidates, 11, {}, START, END, NOW) is None


def test_a_room_is_free_right_after_a_meeting_ends():
    small = a_room("Small", 2)
    assert choose_room([small], 1, {f"room:{small.id}": held(small, "2025-10-06 09:00", "2025-10-06 10:00")},
                       START, END, NOW) == small


@pytest.mark.parametrize("key", ["a", "x" * 255, "order-42 retry", "~!@#$%^&*()"])
def test_keys_of_1_to_255_printable_ascii_characters_are_valid(key):
    assert idempotency.valid_key(key) == key


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "æøå", "bell\x07"])
def test_other_keys_are_a_400(key):
    with pytest.raises(InvalidRequest):
        idempotency.valid_key(key)


def test_no_header_is_no_key():
    assert idempotency.valid_key(None) is None


def test_record_ids_are_scoped_to_caller_operation_and_key():
    first = idempotency.record_id("oid-1", "POST /meetings", "k")
    assert first == idempotency.record_id("oid-1", "POST /meetings", "k")
    assert len({first, idempotency.record_id("oid-2", "POST /meetings", "k"),
                idempotency.record_id("oid-1", "POST /time-slots/reserve", "k"),
                idempotency.record_id("oid-1", "POST /meetings", "k2")}) == 4


def test_bodies_are_compared_as_parsed_json():
    assert idempotency.fingerprint(b'{"a": 1, "b": [1, 2]}') == idempotency.fingerprint('{"b":[1,2],"a":1.0}')
    assert idempotency.fingerprint(b'{"a": 1}') != idempotency.fingerprint(b'{"a": 2}')
    assert idempotency.fingerprint(b"not json") != idempotency.fingerprint(b"not json!")


def test_integral_numbers_match_at_any_depth_and_in_any_notation():
    nested = b'{"a": [{"b": [1, 2.5, 100]}], "c": {"d": -3}}'
    reordered = b'{"c": {"d": -3.0}, "a": [{"b": [1.0, 2.5, 1e2]}]}'
    assert idempotency.fingerprint(nested) == idempotency.fingerprint(reordered)
    assert idempotency.fingerprint(nested) != idempotency.fingerprint(b'{"a": [{"b": [1, 2.5, 101]}], "c": {"d": -3}}')


def test_a_body_nested_beyond_the_parser_is_taken_byte_for_byte():
    deep = b"[" * 100_000 + b"]" * 100_000
    assert idempotency.fingerprint(deep) != idempotency.fingerprint(b"[" * 99_999 + b"]" * 99_999)


def test_a_repeat_with_another_body_is_a_422():
    idempotency.check_repeat("same", "same")
    with pytest.raises(Unprocessable):
        idempotency.check_repeat("one", "other")
