"""The time-zone list: stable ids, display names with the current offset, order."""

from datetime import UTC, datetime

from shared.rules import timezones

WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, tzinfo=UTC)


def test_a_zone_id_is_a_uuid5_of_its_name_and_never_changes():
    assert timezones.zone_id("Europe/Copenhagen") == timezones.zone_id("Europe/Copenhagen")
    assert timezones.zone_id("Europe/Copenhagen") != timezones.zone_id("Europe/Oslo")
    assert timezones.zone_id("Europe/Copenhagen")[14] == "5"


def test_an_id_leads_back_to_its_name():
    assert timezones.identifier_for(timezones.zone_id("America/New_York")) == "America/New_York"
    assert timezones.identifier_for(timezones.zone_id("America/New_York").upper()) == "America/New_York"
    assert timezones.identifier_for("00000000-0000-0000-0000-000000000000") is None


def test_copenhagen_shows_the_offset_in_force_now():
    assert timezones.display_name("Europe/Copenhagen", WINTER) == "(UTC+01:00) Copenhagen"
    assert timezones.display_name("Europe/Copenhagen", SUMMER) == "(UTC+02:00) Copenhagen"


def test_utc_is_named_utc_with_a_zero_offset():
    assert timezones.display_name("UTC", WINTER) == "(UTC+00:00) UTC"


def test_negative_and_half_hour_offsets_are_written_in_full():
    assert timezones.display_name("America/St_Johns", WINTER) == "(UTC-03:30) St Johns"
    assert timezones.display_name("Asia/Kathmandu", WINTER) == "(UTC+05:45) Kathmandu"


def test_the_city_is_the_last_part_with_spaces_for_underscores():
    assert timezones.city("America/Argentina/Buenos_Aires") == "Buenos Aires"


def test_every_runtime_zone_is_listed_except_the_host_dependent_placeholders():
    listed = {z.identifier for z in timezones.all_zones(WINTER)}
    assert {"Europe/Copenhagen", "UTC", "America/Nuuk", "Pacific/Kiritimati"} <= listed
    assert "localtime" not in listed and "Factory" not in listed
    assert len(listed) > 400


def test_the_list_is_sorted_by_offset_then_name():
    zones = timezones.all_zones(WINTER)
    keys = [(z.offset, z.display_name.lower()) for z in zones]
    assert keys == sorted(keys)
    assert zones[0].offset < zones[-1].offset
    ids = [z.id for z in zones]
    assert len(ids) == len(set(ids))
