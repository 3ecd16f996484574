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
