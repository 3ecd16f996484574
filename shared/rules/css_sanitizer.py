"""The portal's `styling`, made safe to apply to its booking page (contract section 24). Pure.

What survives: style rules and `@media` blocks whose selectors use only elements, classes, ids
and a few pseudo-classes, each rewritten to apply inside the page's root (`html`, `body` and
`:root` become the root itself); declarations of an allowlisted property with a value of plain
keywords, numbers, bounded lengths and opaque colours. Everything else is dropped: other
at-rules (`@import`, `@font-face`, ...), `url()` and every other function but the colour ones
(`expression()`, `var()`, `attr()`, `image-set()`...), custom properties, `!important`, nested
rules, pseudo-elements, and any rule or declaration written with a CSS escape.

Two rules keep the page accessible whatever a portal sends: lengths are bounded, so nothing
pushes the page wider than a phone; and `color` and `background-color` come in pairs, set
together in one rule with a contrast of at least 4.5:1, so every text sits on the background
chosen with it (the page's own stylesheet follows the same rule). The result is wrapped in the
`bookme-portal` cascade layer, which the page's own unlayered guards (focus ring, target size)
outrank.
"""

import bisect
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shared.rules import css_colors
from shared.rules.css_selectors import ROOT, scoped_selectors
from shared.rules.css_values import PROPERTIES, color_of, significant, value_allowed

__all__ = ["LAYER", "ROOT", "color_of", "escape_positions", "sanitize"]

LAYER = "bookme-portal"
MAX_RULES = 2000
_MEDIA_WORDS = {"and", "not", "only", "screen", "print", "all", "min-width", "max-width", "orientation",
                "portrait", "landscape", "prefers-reduced-motion", "reduce", "no-preference",
                "prefers-color-scheme", "light", "dark", "min-resolution", "max-resolution", "hover", "none"}


@dataclass
class _Escapes:
    """Where the stylesheet was written with a CSS escape (a backslash outside comments), and the
    start of every rule and declaration, to blame each escape on the one it lies in."""

    positions: list[tuple[int, int]]
    starts: list[tuple[int, int]]

    def taint(self) -> set[tuple[int, int]]:
        ordered = sorted(set(self.starts))
        owners = (bisect.bisect_right(ordered, position) - 1 for position in self.positions)
        return {ordered[index] for index in owners if index >= 0}


def escape_positions(css: str) -> list[tuple[int, int]]:
    """(line, column), 1-based as tinycss2 counts them, of every backslash outside comments."""
    found, line, column, index, quote = [], 1, 1, 0, ""
    while index < len(css):
        char = css[index]
        if not quote and css.startswith("/*", index):
            end = css.find("*/", index + 2)
            end = len(css) if end < 0 else end + 2
            for skipped in css[index:end]:
                line, column = (line + 1, 1) if skipped == "\n" else (line, column + 1)
            index = end
            continue
        if char == "\\":
            found.append((line, column))
        elif quote and char == quote:
            quote = ""
        elif not quote and char in "\"'":
            quote = char
        line, column = (line + 1, 1) if char == "\n" else (line, column + 1)
        index += 1
    return found


def _position(node: Any) -> tuple[int, int]:
    return node.source_line, node.source_column


def _normalised_newlines(css: str) -> str:
    # tinycss2 counts lines after turning CRLF, CR and form feed into LF; do the same first.
    return css.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\x00", "\ufffd")


def _declarations(content: list[Any], tainted: set[tuple[int, int]]) -> list[str]:
    import tinycss2

    kept: dict[str, list[Any]] = {}
    written: dict[str, str] = {}
    for node in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if node.type != "declaration" or _position(node) in tainted:
            continue
        name = node.lower_name
        values = significant(node.value)
        if name == "background" and color_of(values) is not None:
            name = "background-color"  # the shorthand as a plain colour only
        check = PROPERTIES.get(name)
        if check is None or not value_allowed(values) or not check(values):
            continue
        kept.pop(name, None)  # the last declaration of a property wins, as in CSS
        kept[name] = values
        written[name] = " ".join(tinycss2.serialize([t for t in node.value if t.type != "comment"]).split())
    _pair_colors(kept)
    return [f"{name}: {written[name]};" for name in kept]


def _pair_colors(kept: dict[str, list[Any]]) -> None:
    """Text colour and background colour only together, readable on each other."""
    foreground, background = kept.get("color"), kept.get("background-color")
    if foreground is None and background is None:
        return
    if foreground is not None and background is not None:
        fg, bg = color_of(foreground), color_of(background)
        if fg is not None and bg is not None and css_colors.contrast(fg, bg) >= css_colors.MINIMUM_CONTRAST:
            return
    kept.pop("color", None)
    kept.pop("background-color", None)


def _media_query_allowed(prelude: list[Any]) -> bool:
    for token in prelude:
        if token.type in ("whitespace", "comment"):
            continue
        if token.type == "ident" and token.lower_value in _MEDIA_WORDS:
            continue
        if token.type == "literal" and token.value in (",", ":"):
            continue
        if token.type == "() block" and _media_query_allowed(token.content):
            continue
        if token.type in ("number", "dimension") and (token.type == "number" or token.lower_unit in (
                "px", "em", "rem", "dpi", "dppx")):
            continue
        return False
    return True


def _rules(nodes: Iterable[Any], tainted: set[tuple[int, int]], inside_media: bool, budget: list[int]) -> list[str]:
    import tinycss2

    out = []
    for node in nodes:
        if budget[0] <= 0:
            break
        if node.type == "qualified-rule" and _position(node) not in tainted:
            selectors = scoped_selectors(node.prelude)
            declarations = _declarations(node.content, tainted) if selectors else []
            if selectors and declarations:
                budget[0] -= 1
                out.append(f"{', '.join(selectors)} {{ {' '.join(declarations)} }}")
        elif node.type == "at-rule" and node.lower_at_keyword == "media" and not inside_media and \
                node.content is not None and _position(node) not in tainted and _media_query_allowed(node.prelude):
            inner = _rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True),
                           tainted, True, budget)
            if inner:
                query = tinycss2.serialize(node.prelude).strip()
                out.append(f"@media {query} {{\n" + "\n".join(f"  {rule}" for rule in inner) + "\n}")
    return out


def _starts(nodes: Iterable[Any], starts: list[tuple[int, int]]) -> None:
    import tinycss2

    for node in nodes:
        if node.type not in ("qualified-rule", "at-rule"):
            continue
        starts.append(_position(node))
        if node.content is None:
            continue
        inner = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True) \
            if node.type == "at-rule" else \
            tinycss2.parse_blocks_contents(node.content, skip_comments=True, skip_whitespace=True)
        for child in inner:
            if child.type == "declaration":
                starts.append(_position(child))
        if node.type == "at-rule":
            _starts(inner, starts)


@functools.lru_cache(maxsize=64)
def sanitize(css: str | None) -> str:
    """The portal stylesheet as the page may apply it: scoped, allowlisted, in the portal's layer;
    empty when nothing survives."""
    if not css or not css.strip():
        return ""
    import tinycss2

    css = _normalised_newlines(css)
    nodes = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    escapes = _Escapes(escape_positions(css), [])
    _starts(nodes, escapes.starts)
    rules = _rules(nodes, escapes.taint(), False, [MAX_RULES])
    if not rules:
        return ""
    return f"@layer {LAYER} {{\n" + "\n".join(rules) + "\n}\n"
