"""Label rules: matching names, counting usage, filtering, fuzzy search and suggestions."""

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TypeVar

from shared.models.labels import ActiveFilter, LabelRegistration, LabelSearchResult, LabelSuggestion

T = TypeVar("T")


def label_key(name: str) -> str:
    """Label names match ignoring case and surrounding spaces."""
    return name.strip().casefold()


def unique_labels(names: Iterable[str]) -> list[str]:
    """The names without blanks and without case-insensitive repeats, first spelling kept."""
    kept: dict[str, str] = {}
    for name in names:
        if name.strip():
            kept.setdefault(label_key(name), name.strip())
    return list(kept.values())


def carries_all(labels: Iterable[str], wanted: Iterable[str]) -> bool:
    """Whether an item's labels include every wanted label (case-insensitive)."""
    return {label_key(w) for w in wanted if w.strip()} <= {label_key(name) for name in labels}


def count_usage(label_lists: Iterable[Iterable[str]]) -> dict[str, int]:
    """How many of the resources carry each label (by label_key); one resource counts once."""
    counts: Counter[str] = Counter()
    for labels in label_lists:
        counts.update({label_key(name) for name in labels})
    return dict(counts)


def is_selected(is_active: bool, active_filter: ActiveFilter) -> bool:
    return active_filter is ActiveFilter.ALL or is_active == (active_filter is ActiveFilter.ACTIVE)


def by_name(labels: Iterable[LabelRegistration]) -> list[LabelRegistration]:
    return sorted(labels, key=lambda label: (label_key(label.label_name), label.id))


def page(items: Sequence[T], number: int, size: int) -> list[T]:
    """Page `number` (0-based) of `size` items."""
    return list(items[number * size:(number + 1) * size])


def similarity(query: str, name: str) -> float:
    """How alike a query and a label name are, 0..1, ignoring case.

    A weighted blend of three rapidfuzz scores on the casefolded strings: 50 % `ratio`
    (whole-string edit similarity, so exact names win), 30 % `partial_ratio` (the query as
    a substring, so "bol" finds "Boliglån") and 20 % `WRatio` (token order and length
    heuristics, so "rådgivning bolig" finds "Bolig rådgivning"). Identical names score 1.
    """
    a, b = query.strip().casefold(), name.strip().casefold()
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    from rapidfuzz import fuzz  # imported on the first search, not by every cold start

    score = 0.5 * fuzz.ratio(a, b) + 0.3 * fuzz.partial_ratio(a, b) + 0.2 * fuzz.WRatio(a, b)
    return round(min(score / 100, 0.9999), 4)


def search(labels: Iterable[LabelRegistration], query: str, threshold: float, limit: int) -> list[LabelSearchResult]:
    """Labels at or above `threshold` similarity, best first, then by name."""
    scored = [(similarity(query, label.label_name), label) for label in labels]
    hits = [(score, label) for score, label in scored if score >= threshold]
    hits.sort(key=lambda hit: (-hit[0], label_key(hit[1].label_name)))
    return [LabelSearchResult(**label.model_dump(), similarity=score) for score, label in hits[:limit]]


def suggest(labels: Iterable[LabelRegistration], prefix: str, limit: int) -> list[LabelSuggestion]:
    """Labels whose name starts with `prefix` (any case), most used first, then by name."""
    start = label_key(prefix)
    chosen = [label for label in labels if label_key(label.label_name).startswith(start)]
    chosen.sort(key=lambda label: (-label.usage_count, label_key(label.label_name)))
    return [LabelSuggestion(id=label.id, label_name=label.label_name, usage_count=label.usage_count)
            for label in chosen[:limit]]
