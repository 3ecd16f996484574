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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shared.rules import css_colors

ROOT = ".bm-page"
LAYER = "bookme-portal"
MAX_RULES = 2000

_ROOT_ALIASES = {"html", "body"}
_PSEUDO_CLASSES = {"hover", "focus", "focus-visible", "focus-within", "active", "first-child", "last-child",
                   "first-of-type", "last-of-type", "only-child", "empty"}
_PSEUDO_FUNCTIONS = {"nth-child", "nth-of-type", "nth-last-child", "nth-last-of-type"}
_COMBINATORS = {">", "+", "~"}
_MEDIA_WORDS = {"and", "not", "only", "screen", "print", "all", "min-width", "max-width", "orientation",
                "portrait", "landscape", "prefers-reduced-motion", "reduce", "no-preference",
                "prefers-color-scheme", "light", "dark", "min-resolution", "max-resolution", "hover", "none"}


# Bounds in px, or in em/rem (the page's text is 16 px), or %.
@dataclass(frozen=True)
class Bounds:
    px: tuple[float, float]
    em: tuple[float, float]
    percent: tuple[float, float] | None = None


_SPACE = Bounds((0, 48), (0, 3))
_FONT_SIZE = Bounds((12, 48), (0.75, 3), (75, 300))
_BORDER_WIDTH = Bounds((0, 8), (0, 0.5))
_RADIUS = Bounds((0, 32), (0, 2), (0, 50))
_SHADOW = Bounds((-32, 32), (-2, 2))
_SPACING = Bounds((0, 3), (0, 0.2))
_MAX_WIDTH = Bounds((240, 2000), (15, 125), (50, 100))


def _tokens(value: Sequence[Any]) -> list[Any]:
    return [t for t in value if t.type not in ("whitespace", "comment")]


def _length(token: Any, bounds: Bounds) -> bool:
    if token.type == "number" and token.value == 0:
        return True
    if token.type == "percentage":
        return bounds.percent is not None and bounds.percent[0] <= token.value <= bounds.percent[1]
    if token.type != "dimension":
        return False
    unit = token.lower_unit
    low, high = bounds.px if unit == "px" else bounds.em if unit in ("em", "rem") else (1, 0)
    return low <= token.value <= high


def _lengths(counts: range, bounds: Bounds, keywords: Iterable[str] = ()) -> Callable[[list[Any]], bool]:
    words = set(keywords)

    def check(tokens: list[Any]) -> bool:
        return len(tokens) in counts and all(
            (t.type == "ident" and t.lower_value in words) or _length(t, bounds) for t in tokens)

    return check


def _keywords(*words: str) -> Callable[[list[Any]], bool]:
    return lambda tokens: len(tokens) == 1 and tokens[0].type == "ident" and tokens[0].lower_value in words


def color_of(tokens: list[Any]) -> css_colors.Rgb | None:
    """The opaque colour one value is, else None."""
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if token.type == "ident":
        return css_colors.named(token.value)
    if token.type == "hash":
        return css_colors.hex_color(token.value)
    if token.type == "function" and token.lower_name in ("rgb", "rgba", "hsl", "hsla"):
        return _color_function(token.lower_name, _tokens(token.arguments))
    return None


def _color_function(name: str, arguments: list[Any]) -> css_colors.Rgb | None:
    parts = [t for t in arguments if not (t.type == "literal" and t.value in (",", "/"))]
    if not 3 <= len(parts) <= 4 or any(t.type not in ("number", "percentage", "dimension") for t in parts):
        return None
    alpha = None
    if len(parts) == 4:
        alpha = parts[3].value / 100 if parts[3].type == "percentage" else parts[3].value
    if name.startswith("rgb"):
        if any(t.type == "dimension" for t in parts[:3]):
            return None
        return css_colors.rgb_function([t.value for t in parts[:3]], [t.type == "percentage" for t in parts[:3]],
                                       alpha)
    hue = parts[0]
    if hue.type == "dimension" and hue.lower_unit != "deg" or parts[1].type != "percentage" \
            or parts[2].type != "percentage":
        return None
    return css_colors.hsl_function(hue.value, parts[1].value, parts[2].value, alpha)


def _colors(counts: range) -> Callable[[list[Any]], bool]:
    return lambda tokens: len(tokens) in counts and all(color_of([t]) is not None for t in tokens)


def _font_family(tokens: list[Any]) -> bool:
    names = [t for t in tokens if not (t.type == "literal" and t.value == ",")]
    return bool(names) and len(names) <= 10 and all(
        t.type == "ident" or (t.type == "string" and 0 < len(t.value) <= 100 and t.value.isprintable())
        for t in names)


def _line_height(tokens: list[Any]) -> bool:
    return len(tokens) == 1 and ((tokens[0].type == "number" and 1 <= tokens[0].value <= 3)
                                 or (tokens[0].type == "ident" and tokens[0].lower_value == "normal"))


_BORDER_STYLES = ("none", "solid", "dashed", "dotted", "double")


def _border(tokens: list[Any]) -> bool:
    if not 1 <= len(tokens) <= 3:
        return False
    return all(_length(t, _BORDER_WIDTH) or (t.type == "ident" and t.lower_value in (*_BORDER_STYLES, "thin",
               "medium", "thick")) or color_of([t]) is not None for t in tokens)


def _shadow(tokens: list[Any]) -> bool:
    if len(tokens) == 1 and tokens[0].type == "ident" and tokens[0].lower_value == "none":
        return True
    rest = tokens[1:] if tokens and tokens[0].type == "ident" and tokens[0].lower_value == "inset" else tokens
    if len(rest) < 3 or color_of(rest[-1:]) is None:
        return False
    return 2 <= len(rest[:-1]) <= 4 and all(_length(t, _SHADOW) for t in rest[:-1])


_SIDES = ("top", "right", "bottom", "left")
_CORNERS = ("top-left", "top-right", "bottom-right", "bottom-left")
PROPERTIES: dict[str, Callable[[list[Any]], bool]] = {
    "color": _colors(range(1, 2)),
    "background-color": _colors(range(1, 2)),
    "border-color": _colors(range(1, 5)),
    **{f"border-{side}-color": _colors(range(1, 2)) for side in _SIDES},
    "border": _border,
    **{f"border-{side}": _border for side in _SIDES},
    "border-style": lambda tokens: 1 <= len(tokens) <= 4 and all(
        t.type == "ident" and t.lower_value in _BORDER_STYLES for t in tokens),
    "border-width": _lengths(range(1, 5), _BORDER_WIDTH, ("thin", "medium", "thick")),
    "border-radius": _lengths(range(1, 5), _RADIUS),
    **{f"border-{corner}-radius": _lengths(range(1, 3), _RADIUS) for corner in _CORNERS},
    "margin": _lengths(range(1, 5), _SPACE, ("auto",)),
    **{f"margin-{side}": _lengths(range(1, 2), _SPACE, ("auto",)) for side in _SIDES},
    "padding": _lengths(range(1, 5), _SPACE),
    **{f"padding-{side}": _lengths(range(1, 2), _SPACE) for side in _SIDES},
    "font-family": _font_family,
    "font-size": _lengths(range(1, 2), _FONT_SIZE, ("small", "medium", "large", "x-large", "xx-large", "larger")),
    "font-weight": lambda tokens: len(tokens) == 1 and (
        (tokens[0].type == "ident" and tokens[0].lower_value in ("normal", "bold", "bolder", "lighter"))
        or (tokens[0].type == "number" and tokens[0].value in range(100, 1000, 100))),
    "font-style": _keywords("normal", "italic", "oblique"),
    "line-height": _line_height,
    "letter-spacing": _lengths(range(1, 2), _SPACING, ("normal",)),
    "word-spacing": _lengths(range(1, 2), Bounds((0, 8), (0, 0.5)), ("normal",)),
    "text-align": _keywords("left", "right", "center", "start", "end", "justify"),
    "text-transform": _keywords("none", "uppercase", "lowercase", "capitalize"),
    "box-shadow": _shadow,
    "max-width": _lengths(range(1, 2), _MAX_WIDTH, ("none",)),
}
# Every token a kept value may hold; anything else (url, functions but the colour ones, blocks,
# at-keywords, unicode ranges, `!`, `;`...) drops the declaration.
_VALUE_TOKENS = {"ident", "number", "percentage", "dimension", "hash", "string", "literal", "function"}
_VALUE_LITERALS = {",", "/"}


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


def _selector(tokens: list[Any]) -> str | None:
    """One complex selector, scoped to the page's root; None when it uses anything not allowed."""
    import tinycss2

    parts = list(tokens)
    while parts and parts[0].type == "whitespace":
        parts.pop(0)
    while parts and parts[-1].type == "whitespace":
        parts.pop()
    if not parts or not _selector_tokens_allowed(parts):
        return None
    text = tinycss2.serialize(parts).strip()
    root_prefix = _root_alias_length(parts)
    if root_prefix:
        rest = tinycss2.serialize(parts[root_prefix:])
        return f"{ROOT}{rest}" if rest.strip() else ROOT
    if text.startswith(ROOT) and not text[len(ROOT):len(ROOT) + 1].isalnum() and \
            text[len(ROOT):len(ROOT) + 1] not in ("-", "_"):
        return text
    return f"{ROOT} {text}"


def _root_alias_length(parts: list[Any]) -> int:
    """How many leading tokens name the document's root or body (`html body`, `:root >`), which
    map to the page's root."""
    index, consumed = 0, 0
    while index < len(parts):
        token = parts[index]
        if token.type == "ident" and token.lower_value in _ROOT_ALIASES:
            length = 1
        elif token.type == "literal" and token.value == ":" and index + 1 < len(parts) and \
                parts[index + 1].type == "ident" and parts[index + 1].lower_value == "root":
            length = 2
        else:
            break
        index += length
        consumed = index
        # A following combinator joins the next compound: skip it when an alias comes next.
        probe = index
        while probe < len(parts) and (parts[probe].type == "whitespace" or
                                      (parts[probe].type == "literal" and parts[probe].value == ">")):
            probe += 1
        if probe < len(parts) and probe > index and (
                (parts[probe].type == "ident" and parts[probe].lower_value in _ROOT_ALIASES)
                or (parts[probe].type == "literal" and parts[probe].value == ":" and probe + 1 < len(parts)
                    and parts[probe + 1].type == "ident" and parts[probe + 1].lower_value == "root")):
            index = probe
            continue
        break
    return consumed


def _selector_tokens_allowed(parts: list[Any]) -> bool:
    for index, token in enumerate(parts):
        previous = parts[index - 1] if index else None
        if token.type in ("whitespace", "ident"):
            continue
        if token.type == "hash" and token.is_identifier:
            continue
        if token.type == "literal" and (token.value in _COMBINATORS or token.value in ("*", ".", ":")):
            if token.value == ":":
                following = parts[index + 1] if index + 1 < len(parts) else None
                if following is None or previous is not None and previous.type == "literal" and previous.value == ":":
                    return False  # `::` pseudo-elements
                if following.type == "ident" and following.lower_value in _PSEUDO_CLASSES | {"root"}:
                    continue
                if following.type == "function" and following.lower_name in _PSEUDO_FUNCTIONS:
                    continue
                return False
            if token.value == "." and (index + 1 >= len(parts) or parts[index + 1].type != "ident"):
                return False
            continue
        if token.type == "function" and token.lower_name in _PSEUDO_FUNCTIONS and previous is not None and \
                previous.type == "literal" and previous.value == ":":
            if all(a.type in ("whitespace", "ident", "number", "dimension") or
                   (a.type == "literal" and a.value in "+-") for a in token.arguments):
                continue
        return False
    return True


def _selectors(prelude: list[Any]) -> list[str] | None:
    groups: list[list[Any]] = [[]]
    for token in prelude:
        if token.type == "comment":
            continue
        if token.type == "literal" and token.value == ",":
            groups.append([])
        else:
            groups[-1].append(token)
    scoped = [_selector(group) for group in groups]
    if not scoped or any(s is None for s in scoped):
        return None
    return list(dict.fromkeys(s for s in scoped if s))


def _value_allowed(tokens: list[Any]) -> bool:
    for token in tokens:
        if token.type not in _VALUE_TOKENS:
            return False
        if token.type == "literal" and token.value not in _VALUE_LITERALS:
            return False
        if token.type == "function" and (token.lower_name not in ("rgb", "rgba", "hsl", "hsla") or
                                         not _value_allowed(_tokens(token.arguments))):
            return False
        if token.type == "string" and not token.value.isprintable():
            return False
    return True


def _declarations(content: list[Any], tainted: set[tuple[int, int]]) -> list[str]:
    import tinycss2

    kept: dict[str, list[Any]] = {}
    written: dict[str, str] = {}
    for node in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if node.type != "declaration" or _position(node) in tainted:
            continue
        name = node.lower_name
        values = _tokens(node.value)
        if name == "background" and color_of(values) is not None:
            name = "background-color"  # the shorthand as a plain colour only
        check = PROPERTIES.get(name)
        if check is None or not _value_allowed(values) or not check(values):
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
            selectors = _selectors(node.prelude)
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
