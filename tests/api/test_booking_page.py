"""The customer booking page (contract section 24) over HTTP through the local host, as a browser
without JavaScript uses it: the demo bank's MitID portal, the OpenID Connect stand-in, the SMTP
sink. The same in a real browser (accessibility, keyboard, CSP, embedding): test_booking_page_browser.py."""

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from shared.models.common import format_utc, parse_utc
from shared.rules.timespan import format_timespan
from tests.api.test_notifications import ics_of, mails_to
from tests.utils.page_client import DEMO_PORTAL, Customer, form_with, heading, links

CPR = "010190-1234"


@pytest.fixture
def customer(stack):
    visitor = Customer(stack.base_url)
    yield visitor
    visitor.close()


def address() -> str:
    return f"kunde-{uuid.uuid4().hex[:8]}@example.dk"


def book(customer: Customer, email: str, cpr: str = CPR, slot: str | None = None, portal: str = DEMO_PORTAL):
    customer.open(portal)
    customer.hold(slot)
    customer.sign_in(cpr=cpr)
    return customer.confirm(phone="+45 12 34 56 78", email=email)


def manage_token(url: str) -> str:
    return re.search(r"/manage/([A-Za-z0-9_-]{32})", url).group(1)


def text_of(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


def meeting_of(api, token_url: str, start: str) -> dict:
    found = [m for m in api.get("/meetings").json() if m["startDate"] == start and m["bookedBy"] == "PortalCustomer"]
    return api.get(f"/meetings/{found[-1]['id']}").json()


def set_faults(stack, *faults: str) -> None:
    assert httpx.post(f"{stack.oidc_url}/faults", json={"faults": list(faults)}).status_code == 200


def test_the_page_needs_no_token_has_a_strict_policy_and_one_session_cookie(stack, customer):
    response = customer.open()
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'self'" in policy
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("bookme_page=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback; Secure everywhere else
    assert response.headers["cache-control"] == "no-store" and response.headers["referrer-policy"] == "no-referrer"
    assert " style=" not in response.text and "<script>" not in response.text  # nothing inline
    assert heading(response.text) == "Book a meeting: Boliglån"
    assert "All times are Denmark Time (Central European" in response.text


def test_the_language_follows_lang_then_accept_language(stack):
    danish = Customer(stack.base_url, lang="da")
    try:
        assert heading(danish.open().text) == "Book et møde: Boliglån" and 'lang="da"' in danish.page
        assert heading(danish.open(query="?lang=en").text) == "Book a meeting: Boliglån"
        assert "Alle tider er Danmark-tid" in danish.open().text
    finally:
        danish.close()


def test_an_unknown_portal_or_path_is_a_page_saying_so_not_problem_json(stack, customer):
    for path in (f"book/{uuid.uuid4()}", "book/nothing-here", "book/manage/" + "x" * 32, "book"):
        response = customer.get(f"{stack.base_url}/{path}")
        assert response.status_code == 404, path
        if path != "book":  # /api/book itself is no page's route: the host's 404
            assert response.headers["content-type"].startswith("text/html"), path


def test_a_customer_books_and_gets_the_manage_link_on_the_page_and_in_the_invitation(stack, api, customer):
    email = address()
    customer.open()
    start = customer.slots()[0].split("|")[0]
    response = book(customer, email)
    assert response.status_code == 200 and heading(response.text) == "Your meeting is booked"
    token = manage_token(customer.url)
    assert f"/api/book/manage/{token}" in response.text

    meeting = meeting_of(api, customer.url, start)
    assert meeting["bookedBy"] == "PortalCustomer" and meeting["portalId"] == DEMO_PORTAL
    assert meeting["cpr"] == CPR and CPR not in meeting["customerId"]
    assert {f["key"]: f["value"] for f in meeting["customFields"]} == {"phone": "+45 12 34 56 78", "email": email}

    (invitation,) = mails_to(stack, email, 1, "Invitation")
    link = re.search(r"Move or cancel the meeting: (\S+)", text_of(invitation)).group(1)
    assert link.startswith(f"{stack.base_url}/book/manage/") and manage_token(link) != token  # minted for the mail
    advisor = next(e for e in api.get("/employees").json() if e["id"] == meeting["employeeId"])
    invited = stack.wait_for_mail(1, predicate=lambda m: advisor["email"] in m["X-Envelope-To"] and
                                  str(ics_of(m)[2]["UID"]) == f"{meeting['id']}@bookme")
    assert invited and "/book/manage/" not in text_of(invited[0])  # the advisor never gets the customer's link
    assert heading(customer.get(link).text) == "Your meeting"
    assert CPR not in customer.page


def test_the_manage_link_moves_then_cancels_and_is_void_afterwards(stack, api, customer):
    email = address()
    book(customer, email)
    manage_url = customer.url.split("?")[0]
    customer.get(next(u for u in links(customer.page) if u.split("?")[0].endswith("/move")))
    assert heading(customer.page) == "Move your meeting"
    target = form_with(customer.page, "/move").buttons[-1][1]
    moved = customer.submit(form_with(customer.page, "/move"), ("slot", target))
    assert moved.status_code == 200 and "Your meeting has been moved." in moved.text
    assert format_utc(parse_utc(target.split("|")[0])) in [m["startDate"] for m in api.get("/meetings").json()]
    assert len(mails_to(stack, email, 2, "Invitation")) == 2  # booked, then rescheduled

    customer.get(next(u for u in links(customer.page) if u.split("?")[0].endswith("/cancel")))
    assert heading(customer.page) == "Cancel your meeting?"
    cancelled = customer.submit(form_with(customer.page, "/cancel"))
    assert cancelled.status_code == 200 and heading(cancelled.text) == "Your meeting is cancelled"
    mails_to(stack, email, 1, "Cancelled")
    assert customer.get(manage_url).status_code == 404


def test_a_post_without_the_session_or_its_csrf_token_changes_nothing(stack, customer):
    customer.open()
    form = form_with(customer.page, "/hold")
    slot = form.buttons[0][1]
    forged = customer.client.post(f"{stack.base_url}/book/{DEMO_PORTAL}/hold", data={"slot": slot, "csrf": "x" * 40})
    assert forged.status_code == 403 and "Please start again" in forged.text
    stranger = httpx.post(f"{stack.base_url}/book/{DEMO_PORTAL}/hold", data={**form.fields, "slot": slot})
    assert stranger.status_code == 403  # the token without its session's cookie
    assert customer.hold(slot).status_code == 200  # the customer's own form still works


def test_the_cpr_comes_from_the_id_token_never_from_the_form(stack, api, customer):
    customer.open()
    start = customer.slots()[0].split("|")[0]
    customer.hold()
    customer.sign_in(cpr="150585-4321")
    customer.confirm(phone="+45 12 34 56 78", email=address(), cpr="999999-9999")
    assert meeting_of(api, customer.url, start)["cpr"] == "150585-4321"


@pytest.mark.parametrize("fault", ["bad-signature", "wrong-nonce", "wrong-audience", "expired", "no-cpr",
                                   "token-error", "token-refused", "deny"])
def test_a_sign_in_the_provider_fails_signs_nobody_in(stack, customer, fault):
    customer.open()
    customer.hold()
    set_faults(stack, fault)
    try:
        response = customer.sign_in()
    finally:
        set_faults(stack)
    assert response.status_code in (200, 502, 503)
    if response.status_code == 200:
        assert "Signing in" in response.text and "/confirm" not in response.text
    customer.open()
    customer.get(f"{stack.base_url}/book/{DEMO_PORTAL}/details")
    assert "/confirm" not in customer.page and "/signin" in customer.page  # still signed out


def test_a_rotated_signing_key_is_fetched_again(stack, customer):
    customer.open()
    customer.hold()
    set_faults(stack, "rotated-key")
    try:
        customer.sign_in()
    finally:
        set_faults(stack)
    assert "You are signed in with MitID." in customer.page


def test_an_azure_ad_portal_signs_in_at_the_stand_in_too(stack, api, customer):
    demo = api.get(f"/bookme/config/portals/{DEMO_PORTAL}").json()
    portal = api.post("/bookme/config/portals", json={
        "name": "Erhverv", "location": demo["location"], "authenticationType": "AzureAD", "topicId": demo["topicId"],
        "customerTypeId": demo["customerTypeId"], "fields": [{"name": "email", "type": "Email"}]}).json()
    customer.open(portal["id"])
    customer.hold()
    customer.sign_in(cpr="241299-2468")
    assert "You are signed in with Microsoft." in customer.page
    assert heading(customer.confirm(email=address()).text) == "Your meeting is booked"


def test_hostile_styling_is_served_sanitised_and_the_portals_origins_may_frame_it(stack, api, customer):
    demo = api.get(f"/bookme/config/portals/{DEMO_PORTAL}").json()
    portal = api.post("/bookme/config/portals", json={
        "name": "Framed", "location": demo["location"], "topicId": demo["topicId"],
        "embedOrigins": ["https://www.nordhavnbank.example", "http://127.0.0.1:9"],
        "styling": "@import url(https://evil.example/x.css); body { background: url(https://evil.example/t.png) }\n"
                   ".bm-slot { color: #ffffff; background-color: #0b3d91; border-radius: 8px }"}).json()
    page = customer.open(portal["id"])
    assert "frame-ancestors 'self' https://www.nordhavnbank.example http://127.0.0.1:9" in \
        page.headers["content-security-policy"]
    css_url = re.search(r'<link rel="stylesheet" href="([^"]+/style\.css[^"]*)"', page.text).group(1)
    css = customer.client.get(css_url)
    assert css.headers["content-type"].startswith("text/css")
    assert "evil" not in css.text and "@import" not in css.text
    assert ".bm-page .bm-slot { color: #ffffff; background-color: #0b3d91; border-radius: 8px; }" in css.text
    assert api.post("/bookme/config/portals", json={"name": "Bad", "embedOrigins": ["http://evil.example"]}
                    ).status_code == 400


def test_holds_from_one_client_address_are_limited(stack):
    nobody_offers = f"{format_utc(datetime(2031, 1, 5, 3, 0, tzinfo=UTC))}|Physical"  # a Sunday night
    statuses = []
    for _ in range(31):
        visitor = Customer(stack.base_url, forwarded_for="198.51.100.77")
        visitor.open()
        statuses.append(visitor.submit(form_with(visitor.page, "/hold"), ("slot", nobody_offers)).status_code)
        visitor.close()
    assert statuses[:30] == [409] * 30 and statuses[30] == 429


def test_reminders_are_sent_once_with_a_manage_link_and_never_for_a_cancelled_meeting(stack, api):
    settings = api.get("/bookme/config/organization-settings").json()
    kept, cancelled = Customer(stack.base_url), Customer(stack.base_url)
    emails = [address(), address()]
    try:
        kept.open()
        by_start = {slot.split("|")[0]: slot for slot in kept.slots()}
        slots = [by_start[min(by_start)], by_start[max(by_start)]]  # the day's first and last times, hours apart
        cancelled.open()
        for visitor, slot in zip((kept, cancelled), slots, strict=True):
            visitor.hold(slot)
        # Reminders due some 20 seconds from now for meetings at those times; each meeting's other
        # reminder falls in the past (skipped) or hours later.
        now = datetime.now(UTC)
        offsets = [format_timespan(timedelta(seconds=int((parse_utc(s.split("|")[0]) - now).total_seconds()) - 20))
                   for s in slots]
        assert api.patch(f"/bookme/config/organization-settings/{settings['id']}",
                         json=[{"op": "replace", "path": "/reminders", "value": offsets}]).status_code == 200
        for visitor, email in zip((kept, cancelled), emails, strict=True):
            visitor.sign_in()
            assert heading(visitor.confirm(phone="+4512345678", email=email).text) == "Your meeting is booked"
        cancelled.get(next(u for u in links(cancelled.page) if u.split("?")[0].endswith("/cancel")))
        cancelled.submit(form_with(cancelled.page, "/cancel"))

        reminders = stack.wait_for_mail(1, timeout=60, predicate=lambda m: reminder_to(m, emails[0]))
        assert len(reminders) == 1
        link = re.search(r"Move or cancel the meeting: (\S+)", text_of(reminders[0])).group(1)
        assert heading(kept.get(link).text) == "Your meeting"
        time.sleep(6)  # later timer runs: once only, and nothing for the cancelled meeting
        assert len([m for m in stack.mail.messages if reminder_to(m, emails[0])]) == 1
        assert not [m for m in stack.mail.messages if reminder_to(m, emails[1])]
    finally:
        api.patch(f"/bookme/config/organization-settings/{settings['id']}",
                  json=[{"op": "replace", "path": "/reminders", "value": settings["reminders"]}])
        kept.close()
        cancelled.close()


def reminder_to(message, email: str) -> bool:
    from email.header import decode_header, make_header

    subject = str(make_header(decode_header(message["Subject"])))
    return email in message["X-Envelope-To"] and subject.startswith("Påmindelse")
