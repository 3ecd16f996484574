"""Label rules: names, usage counts, filters, fuzzy search ranking and suggestions."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from shared.models.labels import ActiveFilter, LabelRegistration, LabelWrite
from shared.rules import labels as rules

NOW = datetime(2025, 1, 15, tzinfo=UTC)


def _label(name: str, usage: int = 0, active: bool = True) -> LabelRegistration:
    return LabelRegistration(id=f"00000000-0000-4000-8000-{abs(hash(name)) % 10**12:012d}", label_name=name,
                             usage_count=usage, is_active=active, first_seen=NOW, last_updated=NOW)


def test_label_names_match_ignoring_case_and_spaces():
    assert rules.label_key("  Premium ") == rules.label_key("PREMIUM")


def test_unique_labels_drop_blanks_and_case_repeats_keeping_the_first_spelling():
    assert rules.unique_labels(["Bolig", "bolig", " ", "Pension ", "BOLIG"]) == ["Bolig", "Pension"]


def test_usage_counts_each_resource_once_per_label_ignoring_case():
    counts = rules.count_usage([["Bolig", "bolig", "Premium"], ["BOLIG"], []])
    assert counts == {"bolig": 2, "premium": 1}


def test_label_filter_keeps_items_carrying_all_wanted_labels():
    assert rules.carries_all(["Bolig", "Premium"], ["premium", "BOLIG"])
    assert not rules.carries_all(["Bolig"], ["Bolig", "Premium"])
    assert rules.carries_all(["Bolig"], [])


@pytest.mark.parametrize(("active", "chosen", "expected"), [
    (True, ActiveFilter.ALL, True), (False, ActiveFilter.ALL, True), (True, ActiveFilter.ACTIVE, True),
    (False, ActiveFilter.ACTIVE, False), (True, ActiveFilter.INACTIVE, False), (False, ActiveFilter.INACTIVE, True),
])
def test_active_filter_selects_by_is_active(active, chosen, expected):
    assert rules.is_selected(active, chosen) is expected


def test_pages_are_zero_based_slices():
    items = list(range(45))
    assert rules.page(items, 0, 20) == list(range(20))
    assert rules.page(items, 2, 20) == [40, 41, 42, 43, 44]
    assert rules.page(items, 3, 20) == []


def test_labels_sort_by_name_ignoring_case():
    names = [label.label_name for label in rules.by_name([_label("pension"), _label("Bolig"), _label("erhverv")])]
    assert names == ["Bolig", "erhverv", "pension"]


def test_identical_names_are_fully_similar_whatever_the_case():
    assert rules.similarity("premium", "PREMIUM") == 1.0


def test_similarity_stays_between_zero_and_one():
    for query, name in [("x", "Boliglån"), ("bolig", "Boliglån"), ("zzzz", "Pension"), ("", "Pension")]:
        assert 0.0 <= rules.similarity(query, name) <= 1.0


def test_a_prefix_is_more_similar_than_an_unrelated_name():
    assert rules.similarity("bol", "Boliglån") > rules.similarity("bol", "Pension") + 0.3


def test_a_typo_still_finds_the_label():
    assert rules.similarity("pensoin", "Pension") >= 0.7


def test_search_ranks_best_first_and_drops_those_below_the_threshold():
    found = rules.search([_label("Pension"), _label("Premium"), _label("Bolig")], "pension", 0.5, 10)
    assert [r.label_name for r in found][0] == "Pension"
    assert found[0].similarity == 1.0
    assert "Bolig" not in [r.label_name for r in found]
    assert [r.similarity for r in found] == sorted((r.similarity for r in found), reverse=True)


def test_search_respects_the_limit_and_keeps_registration_fields():
    found = rules.search([_label("Bolig", usage=3), _label("Bolig 2"), _label("Bolig 3")], "bolig", 0.0, 2)
    assert len(found) == 2
    assert found[0].usage_count == 3 and found[0].is_active


def test_a_threshold_of_one_keeps_only_exact_names():
    found = rules.search([_label("Bolig"), _label("Boliger")], "BOLIG", 1.0, 10)
    assert [r.label_name for r in found] == ["Bolig"]


def test_suggestions_start_with_the_prefix_most_used_first_then_by_name():
    labels = [_label("Premium", 1), _label("Pension", 5), _label("private", 1), _label("Bolig", 9),
              _label("Prisme", 1)]
    suggested = rules.suggest(labels, "PR", 10)
    assert [s.label_name for s in suggested] == ["Premium", "Prisme", "private"]
    assert [s.label_name for s in rules.suggest(labels, "p", 2)] == ["Pension", "Premium"]


def test_suggestions_carry_id_name_and_usage_only():
    suggestion = rules.suggest([_label("Bolig", 2)], "b", 10)[0]
    assert set(suggestion.to_json()) == {"id", "labelName", "usageCount"}


def test_color_must_be_hex_rrggbb_and_is_written_upper_case():
    assert LabelWrite(label_name="X", color="#ffd700").color == "#FFD700"
    for bad in ("FFD700", "#FFD70", "#GGGGGG", "red"):
        with pytest.raises(ValidationError):
            LabelWrite(label_name="X", color=bad)


def test_a_new_label_is_active_and_grey_by_default():
    label = LabelWrite(label_name="  Premium  ")
    assert (label.label_name, label.color, label.is_active) == ("Premium", "#808080", True)
