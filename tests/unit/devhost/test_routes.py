"""The local host matches routes as the Functions host (ASP.NET Core routing) does."""

from tools.devhost.routes import Route, RouteTable

ALL = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def _table(*templates: str) -> RouteTable:
    return RouteTable([Route(t, t, ALL) for t in templates])


def test_a_catch_all_matches_the_empty_rest():
    table = _table("{version}/bookme/employees/{*rest}")
    route, params = table.match("v3/bookme/employees", "GET")
    assert params == {"version": "v3", "rest": ""}


def test_a_catch_all_takes_every_remaining_segment():
    _, params = _table("{version}/bookme/x/{*rest}").match("v3/bookme/x/a/b/c", "GET")
    assert params["rest"] == "a/b/c"


def test_literal_segments_win_over_parameters_and_catch_alls():
    table = _table("{*path}", "{version}/bookme/time-slots/{*rest}", "{version}/bookme/time-slots/reserve/{*rest}")
    assert table.match("v3/bookme/time-slots/reserve", "POST")[0].target.endswith("reserve/{*rest}")
    assert table.match("v3/bookme/time-slots/available", "GET")[0].target == "{version}/bookme/time-slots/{*rest}"
    assert table.match("v9/unknown", "GET")[0].target == "{*path}"


def test_literals_match_case_insensitively():
    assert _table("health").match("HEALTH", "GET") is not None


def test_methods_restrict_a_route():
    table = RouteTable([Route("health", "health", frozenset({"GET"}))])
    assert table.match("health", "POST") is None


def test_constraints_and_optional_parameters():
    table = _table("items/{id:int}", "items/{name?}")
    assert table.match("items/42", "GET")[0].target == "items/{id:int}"
    assert table.match("items/abc", "GET")[0].target == "items/{name?}"
    assert table.match("items", "GET")[1] == {}


def test_extra_segments_do_not_match_a_shorter_template():
    assert _table("health").match("health/more", "GET") is None
