"""The booking page's use cases over the fakes: the offer, holds and their limits, sign-in,
booking, and the manage link."""

import json
from datetime import timedelta

import pytest

from shared.errors import BadGateway, Conflict, HoldLost, InvalidRequest, SignInRequired, TooManyRequests
from shared.models.meetings import BookedBy
from shared.rules import manage_links, page_slots
from shared.services import reservations
from shared.services.booking_page import booking, holds, manage, offer, sessions, sign_in
from tests.utils.booking_builders import reserve_request
from tests.utils.page_builders import GOOD_VALUES, StandInProvider, new_session, page_bank

ADDRESS = "203.0.113.7"


@pytest.fixture
def ctx():
    from tests.utils.fakes import fake_context

    return fake_context(MITID_ISSUER=StandInProvider.issuer, MITID_CLIENT_ID="bookme-mitid",
                        AZUREAD_ISSUER=StandInProvider.issuer, AZUREAD_CLIENT_ID="bookme-azuread")


async def _first_time(ctx, bank):
    page = await offer.portal_page(ctx, bank.portal_id)
    days = await offer.offered_days(ctx, page)
    return page, days[0].times[0]


async def _signed_in(ctx, session, page, provider=None):
    provider = provider or StandInProvider()
    await sign_in.start(ctx, provider, session, page.portal, "https://page.example/api/book/signin")
    provider.nonce = session.state.sign_in.nonce
    return await sign_in.finish(ctx, provider, session, page.portal, "code-1", "https://page.example/api/book/signin")


async def test_the_offer_merges_the_advisors_into_times_and_starts_on_the_first_day_with_one(ctx):
    bank = await page_bank(ctx)
    page = await offer.portal_page(ctx, bank.portal_id)
    days = await offer.offered_days(ctx, page)
    first = days[0].times[0]
    assert page.portal.name == "Nordhavn Bank" and [f.name for f in page.portal.fields] == [
        "phone", "email", "consent"]  # the hidden field is left out
    assert first.start >= ctx.clock() + timedelta(hours=2)  # the minimum booking notice
    assert {o.employee_id for o in first.offers} == set(bank.employees)
    assert len({(t.start, t.meeting_type) for d in days for t in d.times}) == sum(len(d.times) for d in days)
    assert page_slots.chosen_day(days, None) is days[0]


async def test_an_unknown_portal_has_no_page(ctx):
    from shared.errors import NotFound

    with pytest.raises(NotFound):
        await offer.portal_page(ctx, "9f0a3c1e-0000-4000-8000-000000000000")


async def test_a_hold_is_a_reservation_with_the_sessions_own_token_and_a_second_replaces_it(ctx):
    bank = await page_bank(ctx)
    page, time = await _first_time(ctx, bank)
    session = new_session()
    held = await holds.hold(ctx, session, page, time.key, ADDRESS)
    assert (held.start_date, held.meeting_type) == (time.start, time.meeting_type)
    assert held.expires_at == ctx.clock() + ctx.settings.RESERVATION_TTL
    again = await holds.hold(ctx, session, page, page_slots.slot_key(time.start + timedelta(hours=1),
                                                                      time.meeting_type), ADDRESS)
    assert again.token == held.token
    assert [d["id"] for d in ctx.bookings.all("reservation")] == [again.reservation_id]


async def test_a_hold_takes_the_next_advisor_when_the_first_was_taken_meanwhile(ctx):
    bank = await page_bank(ctx)
    page, time = await _first_time(ctx, bank)
    first = time.offers[0].employee_id
    await reservations.reserve(ctx, reserve_request(first, time.start))
    held = await holds.hold(ctx, new_session(), page, time.key, ADDRESS)
    assert held.employee_id != first


async def test_a_time_nobody_offers_cannot_be_held(ctx):
    bank = await page_bank(ctx)
    page, time = await _first_time(ctx, bank)
    for advisor in bank.employees:
        await reservations.reserve(ctx, reserve_request(advisor, time.start))
    with pytest.raises(Conflict):
        await holds.hold(ctx, new_session(), page, time.key, ADDRESS)
    with pytest.raises(InvalidRequest):
        await holds.hold(ctx, new_session(), page, "2030-03-05T09:00:00.000Z|Teleport", ADDRESS)
    # Off the offer: a start the search does not offer is refused, whoever the browser names.
    with pytest.raises(Conflict):
        await holds.hold(ctx, new_session(), page, page_slots.slot_key(time.start + timedelta(minutes=10),
                                                                        time.meeting_type), ADDRESS)


async def test_holds_are_limited_per_session_and_per_client_address(ctx):
    bank = await page_bank(ctx)
    page, time = await _first_time(ctx, bank)
    ctx.settings.PAGE_HOLDS_PER_SESSION, ctx.settings.PAGE_HOLDS_PER_ADDRESS = 2, 3
    session = new_session()
    await holds.hold(ctx, session, page, time.key, ADDRESS)
    await holds.hold(ctx, session, page, time.key, ADDRESS)
    with pytest.raises(TooManyRequests):
        await holds.hold(ctx, session, page, time.key, ADDRESS)
    await holds.hold(ctx, new_session(), page, time.key, ADDRESS)
    with pytest.raises(TooManyRequests):  # a fourth hold from the address, in a fresh session
        await holds.hold(ctx, new_session(), page, time.key, ADDRESS)
    other = page_slots.slot_key(time.start + timedelta(hours=1), time.meeting_type)
    await holds.hold(ctx, new_session(), page, other, "198.51.100.1")
    ctx.clock.advance(timedelta(hours=1, minutes=1))
    await holds.hold(ctx, session, page, page_slots.slot_key(time.start + timedelta(hours=4), time.meeting_type),
                     ADDRESS)  # a new hour


async def test_keeping_a_hold_gives_it_a_full_time_again(ctx):
    bank = await page_bank(ctx)
    page, time = await _first_time(ctx, bank)
    session = new_session()
    later = page_slots.slot_key(time.start + timedelta(hours=2), time.meeting_type)  # clear of the minimum notice
    await holds.hold(ctx, session, page, later, ADDRESS)
    ctx.clock.advance(timedelta(minutes=4))
    kept = await holds.keep(ctx, session)
    assert kept.expires_at == ctx.clock() + ctx.settings.RESERVATION_TTL
    assert len(ctx.bookings.all("reservation")) == 1


async def test_sign_in_runs_the_code_flow_with_pkce_and_keeps_the_cpr_from_the_id_token(ctx):
    bank = await page_bank(ctx)
    page = await offer.portal_page(ctx, bank.portal_id)
    session, provider = new_session(), StandInProvider()
    url = await sign_in.start(ctx, provider, session, page.portal, "https://page.example/api/book/signin")
    pending = session.state.sign_in
    assert url.startswith("https://id.example/authorize?response_type=code&client_id=bookme-mitid")
    assert "code_challenge_method=S256" in url and f"state={pending.state}" in url and pending.verifier not in url
    assert sign_in.pending_portal(session, pending.state) == page.portal.id
    with pytest.raises(InvalidRequest):
        sign_in.pending_portal(session, "forged")
    provider.nonce = pending.nonce
    customer = await sign_in.finish(ctx, provider, session, page.portal, "code-1", "https://page.example/cb")
    assert customer.cpr == "010190-1234" and customer.subject == "user-1"
    assert provider.redeemed[0]["code_verifier"] == pending.verifier
    assert session.state.sign_in is None  # a code is redeemed once


@pytest.mark.parametrize("override", [{"nonce": "replayed"}, {"aud": "another-client"}, {"iss": "https://evil.example"},
                                      {"exp": 1_000_000_000}, {"dk.cpr": None}, {"dk.cpr": "not-a-cpr"}])
async def test_an_id_token_that_does_not_check_out_signs_nobody_in(ctx, override):
    bank = await page_bank(ctx)
    page = await offer.portal_page(ctx, bank.portal_id)
    provider = StandInProvider()
    provider.claims_override = override
    session = new_session()
    with pytest.raises(BadGateway):
        await _signed_in(ctx, session, page, provider)
    assert session.state.customer is None


async def test_a_portal_may_name_its_own_cpr_claim(ctx):
    bank = await page_bank(ctx, cprClaim="https://data.gov.dk/model/core/eid/cprNumber")
    page = await offer.portal_page(ctx, bank.portal_id)
    provider = StandInProvider(claim="https://data.gov.dk/model/core/eid/cprNumber")
    session = new_session()
    url = await sign_in.start(ctx, provider, session, page.portal, "https://page.example/cb")
    assert "cprNumber" in url  # asked for by name in the claims request parameter
    provider.nonce = session.state.sign_in.nonce
    assert (await sign_in.finish(ctx, provider, session, page.portal, "c", "https://page.example/cb")).cpr


async def test_confirming_books_a_portal_customer_meeting_with_the_fields_and_a_manage_link(ctx):
    bank = await page_bank(ctx)
    page, time = await _first_time(ctx, bank)
    session = new_session()
    await holds.hold(ctx, session, page, time.key, ADDRESS)
    with pytest.raises(SignInRequired):
        await booking.confirm(ctx, session, page, GOOD_VALUES)
    await _signed_in(ctx, session, page)
    booked = await booking.confirm(ctx, session, page, GOOD_VALUES)
    meeting = booked.meeting
    assert meeting.booked_by is BookedBy.PORTAL_CUSTOMER and meeting.portal_id == bank.portal_id
    assert meeting.cpr == "010190-1234" and "0101901234" not in meeting.customer_id.replace("-", "")
    assert {f.key: f.value for f in meeting.custom_fields} == {**GOOD_VALUES}
    assert (meeting.start_date, meeting.type) == (time.start, time.meeting_type)
    assert session.state.hold is None and session.state.customer is None
    (token_doc,) = ctx.bookings.all(manage_links.MANAGE_TOKEN_DOC)
    assert booked.token not in json.dumps(token_doc) and token_doc["id"] == manage_links.token_id(booked.token)
    assert (await manage.find(ctx, booked.token)).meeting.id == meeting.id


async def test_fields_that_do_not_fit_the_form_are_named_and_kept_for_the_next_try(ctx):
    bank = await page_bank(ctx)
    page, time = await _first_time(ctx, bank)
    session = new_session()
    await holds.hold(ctx, session, page, time.key, ADDRESS)
    await _signed_in(ctx, session, page)
    with pytest.raises(InvalidRequest) as refused:
        await booking.confirm(ctx, session, page, {"phone": "12", "email": "nope"})
    assert set(refused.value.errors) == {"phone", "email", "consent"}
    assert session.state.values["phone"] == "12" and session.state.values["consent"] == "false"
    assert ctx.bookings.all("meeting") == []


async def test_a_hold_that_ran_out_is_lost_and_books_nothing(ctx):
    bank = await page_bank(ctx)
    page, time = await _first_time(ctx, bank)
    session = new_session()
    await holds.hold(ctx, session, page, time.key, ADDRESS)
    await _signed_in(ctx, session, page)
    ctx.clock.advance(ctx.settings.RESERVATION_TTL)
    with pytest.raises(HoldLost):
        await booking.confirm(ctx, session, page, GOOD_VALUES)
    assert ctx.bookings.all("meeting") == []


async def _booked(ctx, bank):
    page, time = await _first_time(ctx, bank)
    session = new_session()
    await holds.hold(ctx, session, page, time.key, ADDRESS)
    await _signed_in(ctx, session, page)
    return page, await booking.confirm(ctx, session, page, GOOD_VALUES)


async def test_the_manage_link_moves_the_meeting_to_another_offered_time_and_cancels_it(ctx):
    bank = await page_bank(ctx)
    page, booked = await _booked(ctx, bank)
    managed = await manage.find(ctx, booked.token)
    later = page_slots.slot_key(booked.meeting.start_date + timedelta(days=1), booked.meeting.type)
    moved = await manage.move(ctx, managed, page, later)
    assert moved.start_date == booked.meeting.start_date + timedelta(days=1)
    assert moved.employee_id == booked.meeting.employee_id  # the customer's advisor, who offers it
    managed = await manage.find(ctx, booked.token)
    assert managed.meeting.start_date == moved.start_date
    await manage.cancel(ctx, managed)
    assert await manage.find(ctx, booked.token) is None  # void once cancelled


async def test_a_manage_link_is_void_once_the_meeting_is_over_and_for_any_other_token(ctx):
    bank = await page_bank(ctx)
    _, booked = await _booked(ctx, bank)
    assert await manage.find(ctx, "x" * 32) is None and await manage.find(ctx, "../../etc") is None
    ctx.clock.now = booked.meeting.start_date + timedelta(minutes=10)
    started = await manage.find(ctx, booked.token)
    assert started is not None and not started.changeable
    with pytest.raises(Conflict):
        await manage.cancel(ctx, started)
    ctx.clock.now = booked.meeting.end_date
    assert await manage.find(ctx, booked.token) is None


async def test_sessions_keep_their_state_under_a_hash_and_refuse_a_lost_update(ctx):
    session = new_session()
    session.state.values = {"phone": "12345678"}
    saved = await sessions.save(ctx, session)
    (document,) = ctx.bookings.all(sessions.SESSION_DOC)
    assert session.id not in json.dumps(document)
    loaded = await sessions.load(ctx, session.id)
    assert loaded.state.values == {"phone": "12345678"} and loaded.etag == saved.etag
    await sessions.save(ctx, loaded)
    with pytest.raises(Conflict):
        await sessions.save(ctx, saved)  # another tab wrote in between
    ctx.clock.advance(sessions.LIFE)
    assert (await sessions.load(ctx, session.id)).state.values == {}
    id = sessions.document_id(session.id)
    ctx.bookings.documents[(id, id)]["hold"] = {"startDate": "not a date"}
    ctx.clock.advance(-sessions.LIFE)
    assert (await sessions.load(ctx, session.id)).state.hold is None  # damaged: afresh, never a failure
    assert sessions.csrf_valid(session.id, sessions.csrf_token(session.id))
    assert not sessions.csrf_valid(session.id, sessions.csrf_token(sessions.new_session_id()))
