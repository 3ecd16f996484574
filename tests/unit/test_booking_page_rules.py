"""The booking page's pure rules: reminders, manage tokens, the page's times, hold limits, and the
page's language."""

from datetime import UTC, date, datetime, timedelta

from functions.page.render import Formats, language
from shared.models.common import MeetingType
from shared.rules import manage_links, page_limits, page_slots
from shared.rules.availability_model import Slot
from shared.rules.reminders import next_reminder, reminder_at, reminder_message

START = datetime(2030, 3, 6, 9, 0, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)


def test_the_next_reminder_is_the_earliest_offset_still_ahead():
    offsets = [DAY, 2 * HOUR]
    assert next_reminder(START, offsets, START - 3 * DAY) == START - DAY
    assert next_reminder(START, offsets, START - DAY) == START - 2 * HOUR  # sent the day before: next one
    assert next_reminder(START, offsets, START - HOUR) is None
    assert next_reminder(START, [], START - 3 * DAY) is None


def test_a_reminder_already_past_at_booking_is_skipped_not_sent_late():
    booked_at = START - 5 * HOUR
    assert next_reminder(START, [DAY, 2 * HOUR], booked_at) == START - 2 * HOUR


def test_a_write_computes_the_reminder_when_the_start_changes_and_keeps_it_otherwise():
    now = START - 3 * DAY
    assert reminder_at(True, START, [DAY], now, retimed=True, before=None) == "2030-03-05T09:00:00.000Z"
    assert reminder_at(True, START, [DAY], now, retimed=False, before="2030-03-05T09:00:00.000Z") == \
        "2030-03-05T09:00:00.000Z"
    moved = START + 2 * DAY
    assert reminder_at(True, moved, [DAY], now, retimed=True, before="2030-03-05T09:00:00.000Z") == \
        "2030-03-07T09:00:00.000Z"
    assert reminder_at(False, START, [DAY], now, retimed=True, before=None) is None  # not a page customer


def test_a_reminder_message_names_the_meeting_and_its_time_and_nothing_personal():
    message = reminder_message("m-1", "2030-03-06T09:00:00.000Z", "2030-03-05T09:00:00.000Z", START - DAY)
    assert (message["kind"], message["meetingId"], message["startDate"]) == (
        "meetingReminder", "m-1", "2030-03-06T09:00:00.000Z")
    assert reminder_message("m-1", "2030-03-06T09:00:00.000Z", "2030-03-05T09:00:00.000Z", START)["id"] == \
        message["id"]  # the same reminder has the same message id (Service Bus duplicate detection)


def test_a_manage_token_is_stored_only_as_its_hash_and_lives_until_the_meeting_is_over():
    token = "A" * 32
    document = manage_links.token_document(token, "m-1", "p-1", START + HOUR, START - DAY)
    assert token not in str(document) and document["id"] == document["pk"] == manage_links.token_id(token)
    assert manage_links.is_token_shaped(token) and not manage_links.is_token_shaped("A" * 31 + "/")
    assert manage_links.is_live(START + HOUR, START) and not manage_links.is_live(START + HOUR, START + HOUR)


def test_the_page_merges_advisors_into_times_per_day_and_meeting_type():
    slots = [Slot(START, START + HOUR, MeetingType.ONLINE, "b"), Slot(START, START + HOUR, MeetingType.PHYSICAL, "a"),
             Slot(START, START + HOUR, MeetingType.PHYSICAL, "b", "room-1"),
             Slot(START + DAY, START + DAY + HOUR, MeetingType.PHYSICAL, "a")]
    days = page_slots.days(slots, "Europe/Copenhagen")
    assert [d.date for d in days] == [date(2030, 3, 6), date(2030, 3, 7)]
    physical, online = days[0].times
    assert physical.offers == [page_slots.Offer("a"), page_slots.Offer("b", "room-1")]
    assert [kind for kind, _ in days[0].by_type()] == [MeetingType.PHYSICAL, MeetingType.ONLINE]
    assert page_slots.parse_slot_key(physical.key) == (START, MeetingType.PHYSICAL)
    assert page_slots.chosen_day(days, date(2030, 3, 7)) is days[1]
    assert page_slots.chosen_day(days, date(2030, 3, 8)) is days[0]  # no times that day: the first day with some


def test_a_slot_key_from_the_browser_is_parsed_or_refused():
    for bad in ("", "2030-03-06T09:00:00.000Z", "2030-03-06T09:00:00|Physical", "x|Physical",
                "2030-03-06T09:00:00.000Z|Teleport", "2030-03-06T09:00:00.000Z|Physical" + " " * 60):
        assert page_slots.parse_slot_key(bad) is None, bad
    assert page_slots.parse_day("2030-03-06") == date(2030, 3, 6) and page_slots.parse_day("2030-3-6") is None


def test_the_client_address_is_the_entry_the_last_proxies_wrote():
    assert page_limits.client_address("203.0.113.7", 1) == "203.0.113.7"
    assert page_limits.client_address("6.6.6.6, 203.0.113.7:5012, 10.0.0.4", 2) == "203.0.113.7"
    assert page_limits.client_address("[2001:db8::1]:443", 1) == "2001:db8::1"
    assert page_limits.client_address(None, 1) == "unknown"
    assert "203.0.113.7" not in page_limits.address_counter_id("203.0.113.7", START)


def test_the_language_is_lang_then_accept_language_then_danish():
    assert language("en", "da") == "en" and language("EN", None) == "en"
    assert language(None, "de-DE,en;q=0.8,da;q=0.9") == "da"
    assert language(None, "en-GB,en;q=0.9") == "en"
    assert language("fr", "fr-FR") == "da" and language(None, "q=;;,") == "da"


def test_dates_and_times_are_formatted_for_the_locale_in_the_organizations_zone():
    danish, english = Formats("da", "Europe/Copenhagen"), Formats("en", "Europe/Copenhagen")
    assert (danish.full_date(START), danish.time(START)) == ("onsdag den 6. marts 2030", "10.00")
    assert (english.full_date(START), english.time(START)) == ("Wednesday, 6 March 2030", "10:00")
    assert english.zone_name(START) == "Central European Standard Time"
    assert english.zone_name(START + 120 * DAY) == "Central European Summer Time"
    assert danish.zone_place() == "Danmark-tid"
