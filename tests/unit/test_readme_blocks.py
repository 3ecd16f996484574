"""How tests/api/test_readme.py reads the README: blocks, markers, shown answers and claims."""

import pytest

from tests.utils.readme_blocks import Block, blocks, mismatch, misplaced_commands, per_employee, starts

README = """# Title

```sh no-run
make run
```

## Search

```sh
DAY=$(make -s demo-day)
curl -s "localhost:7071/x?day=$DAY"   # a comment with make run in it
```

<!-- check: len(answer) == 2 -->

```json
[{"n": 1}]
```

```
plain text, not a shell block
```
"""


def test_reads_shell_blocks_with_their_marker_shown_answer_and_checks(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(README)
    shown, search = blocks(readme)
    assert (shown.runs, shown.heading) == (False, "Title")
    assert (search.runs, search.heading, search.shown, search.checks) == (True, "Search", [{"n": 1}],
                                                                          ["len(answer) == 2"])
    assert misplaced_commands(shown) == ["make run"] and misplaced_commands(search) == []


@pytest.mark.parametrize("text", ["make run", "cd x && make test", "make -s openapi", "echo $(make clean)",
                                  "func start", "npx azurite --silent"])
def test_a_block_that_starts_servers_or_changes_the_tree_is_reported(text):
    assert misplaced_commands(Block(1, "h", [], text, 1))


@pytest.mark.parametrize("text", ["TOKEN=$(make -s token)", 'make -s token ROLES="BookMe.Config"',
                                  "DAY=$(make -s demo-day)", "make token"])
def test_printing_make_targets_may_run(text):
    assert misplaced_commands(Block(1, "h", [], text, 1)) == []


def test_a_shown_list_matches_items_in_order_with_others_between():
    actual = [{"id": "a", "n": 1}, {"id": "b", "n": 2}, {"id": "c", "n": 3}]
    assert mismatch([{"id": "a"}, {"id": "c"}], actual) is None
    assert "is not in the answer" in mismatch([{"id": "c"}, {"id": "a"}], actual)


@pytest.mark.parametrize(("shown", "actual"), [
    ({"slotCount": 60}, {"slotCount": 59}),
    ({"employeeId": "75cf"}, {"employeeId": "3f0c"}),
    ({"excluded": None}, {"excluded": "NotLocal"}),
    ({"count": 1}, {"count": True}),
    ({"missing": 1}, {}),
])
def test_counts_ids_codes_and_keys_must_be_as_shown(shown, actual):
    assert mismatch(shown, actual) is not None


def test_dates_match_by_format_and_dots_match_anything():
    shown = {"date": "2026-12-10", "startDate": "2026-12-10T07:00:00.000Z", "id": "..."}
    assert mismatch(shown, {"date": "2031-01-02", "startDate": "2031-01-02T06:30:00.000Z", "id": [1]}) is None
    assert mismatch(shown, {"date": "tomorrow", "startDate": "2031-01-02T06:30:00.000Z", "id": 1}) is not None


def test_claims_about_slots_read_names_and_copenhagen_times():
    mette = "75cfc8aa-5c76-5745-9f06-4a4ed9a64803"
    slots = [{"employeeId": mette, "startDate": "2026-12-10T07:00:00.000Z"},
             {"employeeId": mette, "startDate": "2027-06-10T13:00:00.000Z"}]
    assert per_employee(slots) == {"Mette Nielsen": 2}
    assert starts(slots) == {"Mette Nielsen": ("08:00", "15:00")}
