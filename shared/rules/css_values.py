"""What values the portal stylesheet sanitiser keeps (shared/rules/css_sanitizer.py): the
allowlisted properties, each with a check of its value (plain keywords, numbers, lengths within
bounds, opaque colours), over tinycss2's tokens. Pure."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from shared.rules import css_colors


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


def significant(value: Sequence[Any]) -> list[Any]:
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
        return _color_function(token.lower_name, significant(token.arguments))
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


def value_allowed(tokens: list[Any]) -> bool:
    for token in tokens:
        if token.type not in _VALUE_TOKENS:
            return False
        if token.type == "literal" and token.value not in _VALUE_LITERALS:
            return False
        if token.type == "function" and (token.lower_name not in ("rgb", "rgba", "hsl", "hsla") or
                                         not value_allowed(significant(token.arguments))):
            return False
        if token.type == "string" and not token.value.isprintable():
            return False
    return True

