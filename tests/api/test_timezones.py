"""GET /bookme/config/timezones over HTTP (V3 only)."""

import uuid


def test_lists_every_zone_with_a_stable_id_and_an_offset_display_name(api):
    response = api.get("/bookme/config/timezones")
    assert response.status_code == 200
    zones = {z["identifier"]: z for z in response.json()}
    assert len(zones) > 400
    copenhagen = zones["Europe/Copenhagen"]
    assert copenhagen["displayName"] in ("(UTC+01:00) Copenhagen", "(UTC+02:00) Copenhagen")
    assert uuid.UUID(copenhagen["id"]).version == 5
    assert zones["UTC"]["displayName"] == "(UTC+00:00) UTC"


def test_ids_are_the_same_on_every_call(api):
    first = {z["identifier"]: z["id"] for z in api.get("/bookme/config/timezones").json()}
    second = {z["identifier"]: z["id"] for z in api.get("/bookme/config/timezones").json()}
    assert first == second


def test_any_valid_token_may_read_the_zones(reader):
    assert reader.get("/bookme/config/timezones").status_code == 200


def test_zones_need_a_token(stack):
    import httpx

    assert httpx.get(f"{stack.base_url}/v3/bookme/bookme/config/timezones").status_code == 401


def test_zones_do_not_exist_under_v2(api_v2):
    assert api_v2.get("/bookme/config/timezones").status_code == 404
