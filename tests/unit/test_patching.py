import pytest

from shared.errors import Conflict, InvalidRequest
from shared.models.common import ApiModel
from shared.rules.json_input import MAX_DEPTH
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


# Shapes anyone may send (contract section 22): an operation that is not an object, or whose
# op, path or from is not a string, is a 400 whatever the op.
@pytest.mark.parametrize("operation", [
    {"op": {}, "path": "/name", "value": None, "from": ""},
    {"op": "add", "path": "/name", "value": None, "from": {}},
    {"op": ["add"], "path": "/name", "value": "b"},
    {"op": None, "path": "/name", "value": "b"},
    {"op": 1, "path": "/name", "value": "b"},
    {"op": True, "path": "/name", "value": "b"},
    {"op": "replace", "path": {}, "value": "b"},
    {"op": "replace", "path": ["name"], "value": "b"},
    {"op": "replace", "path": None, "value": "b"},
    {"op": "remove", "path": 7},
    {"op": "test", "path": "/name", "value": "a", "from": []},
    {"op": "remove", "path": "/tags/0", "from": 1},
    {"op": "copy", "from": {"a": 1}, "path": "/name"},
    {"op": "move", "from": None, "path": "/name"},
    {"op": "move", "from": "name", "path": "/size"},
    {"op": "add"},
])
def test_operations_with_members_of_the_wrong_type_are_invalid_requests(operation):
    with pytest.raises(InvalidRequest):
        apply_patch(dict(DOC), [operation], Thing, ["/id"])


@pytest.mark.parametrize("operation", [[], "add", 1, None, [{"op": "add"}]])
def test_an_operation_that_is_not_an_object_is_an_invalid_request(operation):
    with pytest.raises(InvalidRequest, match=r"\[1\] must be an object"):
        apply_patch(dict(DOC), [{"op": "test", "path": "/id", "value": "1"}, operation], Thing, ["/id"])


def test_a_string_from_beside_an_operation_that_does_not_read_it_is_ignored():
    result = apply_patch(dict(DOC), [{"op": "replace", "path": "/name", "value": "b", "from": "/id"}], Thing, ["/id"])
    assert result.name == "b"


def test_copies_may_copy_one_mebibyte_in_all():
    big = {"op": "add", "path": "/big", "value": "x" * 300_000}
    three = [big] + [{"op": "copy", "from": "/big", "path": f"/c{i}"} for i in range(3)] + [
        {"op": "remove", "path": f"/c{i}"} for i in range(3)]
    apply_patch(dict(DOC), three, Thing, ["/id"])  # 900 KB copied, and removed again
    with pytest.raises(InvalidRequest, match="copy at most 1 MiB"):
        apply_patch(dict(DOC), three[:4] + [{"op": "remove", "path": "/c0"},
                                            {"op": "copy", "from": "/big", "path": "/c0"}], Thing, ["/id"])


def test_a_result_over_one_mebibyte_is_refused():
    with pytest.raises(InvalidRequest, match="over 1 MiB"):
        apply_patch(dict(DOC), [{"op": "add", "path": "/a", "value": "x" * 600_000},
                                {"op": "add", "path": "/b", "value": "x" * 600_000}], Thing, ["/id"])


def _nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def test_a_value_that_would_nest_the_document_deeper_than_the_limit_is_refused():
    apply_patch(dict(DOC), [{"op": "add", "path": "/a", "value": _nested(MAX_DEPTH - 1)}], Thing, ["/id"])
    with pytest.raises(InvalidRequest, match="nested deeper"):
        apply_patch(dict(DOC), [{"op": "add", "path": "/a", "value": _nested(MAX_DEPTH)}], Thing, ["/id"])
    with pytest.raises(InvalidRequest, match="nested deeper"):
        apply_patch(dict(DOC), [{"op": "add", "path": "/a", "value": {"b": _nested(MAX_DEPTH - 2)}},
                                {"op": "add", "path": "/a/b" + "/0" * (MAX_DEPTH - 2), "value": [1]}], Thing, ["/id"])


def test_moves_and_copies_into_deep_places_are_bounded_without_walking_the_document():
    shallow = [{"op": "add", "path": "/a", "value": _nested(10)}, {"op": "add", "path": "/b", "value": {"c": 1}}]
    result = apply_patch(dict(DOC), shallow + [{"op": "move", "from": "/b", "path": "/a/0/0/0/0"},
                                               {"op": "move", "from": "/a/0/0/0/0", "path": "/b"}], Thing, ["/id"])
    assert result.name == "a"
    doubling = [{"op": "add", "path": "/a", "value": _nested(20)},
                {"op": "copy", "from": "/a", "path": "/a/0/0/0/0/0/0/0/0/0/0/0/0/0"}]
    with pytest.raises(InvalidRequest, match="nested deeper"):
        apply_patch(dict(DOC), doubling, Thing, ["/id"])
    with pytest.raises(InvalidRequest, match="nested deeper"):
        apply_patch(dict(DOC), [doubling[0], {"op": "add", "path": "/b", "value": _nested(12)},
                                {"op": "move", "from": "/a", "path": "/b" + "/0" * 12}], Thing, ["/id"])


class Private(ApiModel):
    id: str
    cpr: str | None = None


@pytest.mark.parametrize("operation", [
    {"op": "remove", "path": "/missing/x"},
    {"op": "add", "path": "/missing/x", "value": 1},
    {"op": "replace", "path": "/cpr/x", "value": 1},
    {"op": "copy", "from": "/missing/x", "path": "/id2"},
])
def test_a_failing_operation_does_not_quote_the_document(operation):
    doc = {"id": "1", "cpr": "0101901234"}
    with pytest.raises(InvalidRequest) as raised:
        apply_patch(doc, [operation], Private, ["/id"])
    assert "0101901234" not in raised.value.detail


def test_a_failed_test_does_not_quote_either_value():
    doc = {"id": "1", "cpr": "0101901234"}
    with pytest.raises(Conflict) as raised:
        apply_patch(doc, [{"op": "test", "path": "/cpr", "value": "0202902345"}], Private, ["/id"])
    assert "0101901234" not in raised.value.detail and "0202902345" not in raised.value.detail
