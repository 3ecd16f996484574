"""Index function_app.py as the Python worker does, so `func start` and Azure see exactly
what the local host serves."""

import functools
import json
import re
from pathlib import Path

import pytest

import function_app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SETTINGS = json.loads((ROOT / "local.settings.sample.json").read_text())["Values"]


@functools.cache
def _indexed():
    # The worker indexes once; a second get_functions() on one app reports duplicates.
    return tuple(function_app.app.get_functions())


def _functions():
    return {f.get_function_name(): f for f in _indexed()}


def _trigger(function) -> dict:
    return function.get_trigger().get_dict_repr()


def test_function_names_are_unique_across_the_app():
    names = [f.get_function_name() for f in _indexed()]
    assert len(names) == len(set(names))


def test_every_http_function_is_anonymous_because_tokens_are_validated_in_the_app():
    for name, function in _functions().items():
        trigger = _trigger(function)
        if trigger["type"] == "httpTrigger":
            assert str(getattr(trigger["authLevel"], "value", trigger["authLevel"])) == "anonymous", name


def test_route_groups_are_one_function_each_with_a_catch_all_rest():
    pages = {name for name, _, _ in function_app.PAGES}
    for name, function in _functions().items():
        trigger = _trigger(function)
        # Graph's notification endpoint is no route group of the API either (no version, no token).
        if trigger["type"] != "httpTrigger" or name in ("health", "not_found", "openapi_document",
                                                         "outlook_notifications", *pages):
            continue
        assert re.fullmatch(r"\{version\}/bookme/[a-z/-]+/\{\*rest\}", trigger["route"]), trigger["route"]


def test_the_booking_page_is_one_function_outside_the_versioned_api():
    assert _trigger(_functions()["booking_page"])["route"] == "book/{*rest}"


def test_health_and_the_not_found_fallback_are_registered():
    functions = _functions()
    assert _trigger(functions["health"])["route"] == "health"
    assert _trigger(functions["not_found"])["route"] == "{*path}"


def test_graphs_notification_endpoint_takes_posts_outside_the_versioned_api():
    trigger = _trigger(_functions()["outlook_notifications"])
    assert (trigger["route"], [str(getattr(m, "value", m)) for m in trigger["methods"]]) == (
        "outlook/notifications", ["POST"])


def test_every_binding_expression_names_a_setting_in_the_sample_settings():
    for name, function in _functions().items():
        for binding in function.get_bindings():
            for value in binding.get_dict_repr().values():
                for setting in re.findall(r"%([A-Za-z0-9_]+)%", str(value)):
                    assert setting in SAMPLE_SETTINGS, f"{name} uses %{setting}% missing from the sample"


def test_connection_settings_of_triggers_are_identity_based_prefixes():
    for function in _indexed():
        trigger = _trigger(function)
        if "connection" in trigger:
            prefix = trigger["connection"]
            assert any(key.startswith(prefix + "__") for key in SAMPLE_SETTINGS), prefix


@pytest.mark.parametrize("trigger_type", ["timerTrigger", "serviceBusTrigger"])
def test_background_triggers_exist_once_booking_is_built(trigger_type):
    kinds = [_trigger(f)["type"] for f in _indexed()]
    if "meetings" not in _functions():
        pytest.skip("the booking functions are not registered yet")
    assert trigger_type in kinds


def test_host_json_keeps_the_api_route_prefix():
    host = json.loads((ROOT / "host.json").read_text())
    assert host["extensions"]["http"]["routePrefix"] == "api"
    assert host["version"] == "2.0"
