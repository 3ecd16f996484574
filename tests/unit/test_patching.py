import pytest

from shared.errors import Conflict, InvalidRequest
from shared.models.common import ApiModel
from shared.rules.patching import apply_patch


class Thing(ApiModel):
    id: str
    name: str
    tags: list[str] = []
    size: int = 1


DOC = {"id": "1", "name": "a", "tags": ["x"], "size": 1}


def test_applies_replace_add_and_remove():
    result = apply_patch(dict(DOC), [
        {"op": "replace", "path": "/name", "value": "b"},
        {"op": "add", "path": "/tags/-", "value": "y"},
        {"op": "remove", "path": "/tags/0"},
    ], Thing, ["/id"])
    assert (result.name, result.tags) == ("b", ["y"])


@pytest.mark.parametrize("path", ["/id", "/id/x", ""])
def test_rejects_patches_of_read_only_paths(path):
    with pytest.raises(InvalidRequest, match="read-only"):
        apply_patch(dict(DOC), [{"op": "replace", "path": path, "value": "2"}], Thing, ["/id"])


def test_rejects_moving_a_read_only_value_away():
    with pytest.raises(InvalidRequest):
        apply_patch(dict(DOC), [{"op": "move", "from": "/id", "path": "/name"}], Thing, ["/id"])


def test_a_failed_test_operation_is_a_conflict():
    with pytest.raises(Conflict):
        apply_patch(dict(DOC), [{"op": "test", "path": "/name", "value": "zzz"}], Thing, ["/id"])


def test_a_test_operation_may_read_a_read_only_path():
    result = apply_patch(dict(DOC), [{"op": "test", "path": "/id", "value": "1"},
                                     {"op": "replace", "path": "/size", "value": 2}], Thing, ["/id"])
    assert result.size == 2


@pytest.mark.parametrize(
    "operations",
    [
        {"op": "replace"},
        [{"op": "jump", "path": "/name"}],
        [{"op": "replace", "path": "name", "value": 1}],
        [{"op": "replace", "path": "/name"}],
        [{"op": "move", "path": "/name"}],
        [{"op": "remove", "path": "/missing"}],
        ["not an object"],
    ],
)
def test_malformed_patches_are_invalid_requests(operations):
    with pytest.raises(InvalidRequest):
        apply_patch(dict(DOC), operations, Thing, ["/id"])


def test_a_result_that_breaks_the_model_is_an_invalid_request_naming_the_field():
    with pytest.raises(InvalidRequest) as raised:
        apply_patch(dict(DOC), [{"op": "replace", "path": "/size", "value": "big"}], Thing, ["/id"])
    assert "size" in raised.value.errors


@pytest.mark.parametrize("value", ["2", True, 2.5])
def test_a_value_of_the_wrong_json_type_is_an_invalid_request(value):
    with pytest.raises(InvalidRequest):
        apply_patch(dict(DOC), [{"op": "replace", "path": "/size", "value": value}], Thing, ["/id"])


@pytest.mark.parametrize("operation", [
    {"op": "add", "path": "/id", "value": "2"},
    {"op": "remove", "path": "/id"},
    {"op": "copy", "from": "/name", "path": "/id"},
    {"op": "copy", "from": "/id", "path": "/name"},
    {"op": "move", "from": "/id", "path": "/tags/-"},
    {"op": "add", "path": "/id/-", "value": "x"},
    {"op": "replace", "path": "/", "value": {}},
    {"op": "replace", "path": "", "value": {"id": "2", "name": "x"}},
    {"op": "copy", "from": "", "path": "/name"},
])
def test_read_only_paths_cannot_be_written_moved_or_copied(operation):
    with pytest.raises(InvalidRequest):
        apply_patch(dict(DOC), [operation], Thing, ["/id"])


class Stamped(ApiModel):
    id: str
    date_created: str
    a_b: dict[str, str] = {}


def test_escaped_and_snake_case_pointers_reach_the_same_read_only_field():
    doc = {"id": "1", "dateCreated": "then", "aB": {}}
    for path in ("/dateCreated", "/date_created", "/dateCreated/x"):
        with pytest.raises(InvalidRequest, match="read-only"):
            apply_patch(dict(doc), [{"op": "add", "path": path, "value": "now"}], Stamped, ["/dateCreated"])


def test_escapes_name_keys_holding_slash_and_tilde():
    doc = {"id": "1", "dateCreated": "then", "aB": {}}
    result = apply_patch(doc, [{"op": "add", "path": "/aB/x~1y~0z", "value": "v"}], Stamped, ["/dateCreated"])
    assert result.a_b == {"x/y~z": "v"}


def test_dash_appends_to_a_list_and_is_refused_where_it_means_nothing():
    assert apply_patch(dict(DOC), [{"op": "add", "path": "/tags/-", "value": "z"}], Thing, ["/id"]).tags == ["x", "z"]
    for operation in ({"op": "replace", "path": "/tags/-", "value": "z"}, {"op": "remove", "path": "/tags/-"},
                      {"op": "add", "path": "/tags/-/x", "value": "z"}, {"op": "add", "path": "/tags/99", "value": 1}):
        with pytest.raises(InvalidRequest):
            apply_patch(dict(DOC), [operation], Thing, ["/id"])


def test_a_patch_that_doubles_itself_is_stopped_at_the_size_limit():
    doubling = [{"op": "add", "path": "/a", "value": ["x" * 1000]}] + [
        {"op": "copy", "from": "/a", "path": "/a/-"} for _ in range(40)]
    with pytest.raises(InvalidRequest):
        apply_patch(dict(DOC), doubling, Thing, ["/id"])


def test_too_many_operations_are_refused():
    with pytest.raises(InvalidRequest, match="at most"):
        apply_patch(dict(DOC), [{"op": "test", "path": "/id", "value": "1"}] * 101, Thing, ["/id"])
