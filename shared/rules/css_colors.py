"""CSS colours as the portal stylesheet sanitiser reads them, and their WCAG contrast. Pure.

Only opaque colours are understood: a colour with transparency is drawn over whatever lies
beneath it, so its contrast cannot be known from the stylesheet alone.
"""

import re

Rgb = tuple[int, int, int]

# The CSS Color Module Level 4 named colours (transparent and currentcolor are not opaque colours).
_NAMED = dict(item.split("=") for item in """
aliceblue=f0f8ff antiquewhite=faebd7 aqua=00ffff aquamarine=7fffd4 azure=f0ffff beige=f5f5dc bisque=ffe4c4
black=000000 blanchedalmond=ffebcd blue=0000ff blueviolet=8a2be2 brown=a52a2a burlywood=deb887
cadetblue=5f9ea0 chartreuse=7fff00 chocolate=d2691e coral=ff7f50 cornflowerblue=6495ed cornsilk=fff8dc
crimson=dc143c cyan=00ffff darkblue=00008b darkcyan=008b8b darkgoldenrod=b8860b darkgray=a9a9a9
darkgreen=006400 darkgrey=a9a9a9 darkkhaki=bdb76b darkmagenta=8b008b darkolivegreen=556b2f
darkorange=ff8c00 darkorchid=9932cc darkred=8b0000 darksalmon=e9967a darkseagreen=8fbc8f
darkslateblue=483d8b darkslategray=2f4f4f darkslategrey=2f4f4f darkturquoise=00ced1 darkviolet=9400d3
deeppink=ff1493 deepskyblue=00bfff dimgray=696969 dimgrey=696969 dodgerblue=1e90ff firebrick=b22222
floralwhite=fffaf0 forestgreen=228b22 fuchsia=ff00ff gainsboro=dcdcdc ghostwhite=f8f8ff gold=ffd700
goldenrod=daa520 gray=808080 green=008000 greenyellow=adff2f grey=808080 honeydew=f0fff0 hotpink=ff69b4
indianred=cd5c5c indigo=4b0082 ivory=fffff0 khaki=f0e68c lavender=e6e6fa lavenderblush=fff0f5
lawngreen=7cfc00 lemonchiffon=fffacd lightblue=add8e6 lightcoral=f08080 lightcyan=e0ffff
lightgoldenrodyellow=fafad2 lightgray=d3d3d3 lightgreen=90ee90 lightgrey=d3d3d3 lightpink=ffb6c1
lightsalmon=ffa07a lightseagreen=20b2aa lightskyblue=87cefa lightslategray=778899 lightslategrey=778899
lightsteelblue=b0c4de lightyellow=ffffe0 lime=00ff00 limegreen=32cd32 linen=faf0e6 magenta=ff00ff
maroon=800000 mediumaquamarine=66cdaa mediumblue=0000cd mediumorchid=ba55d3 mediumpurple=9370db
mediumseagreen=3cb371 mediumslateblue=7b68ee mediumspringgreen=00fa9a mediumturquoise=48d1cc
mediumvioletred=c71585 midnightblue=191970 mintcream=f5fffa mistyrose=ffe4e1 moccasin=ffe4b5
navajowhite=ffdead navy=000080 oldlace=fdf5e6 olive=808000 olivedrab=6b8e23 orange=ffa500 orangered=ff4500
orchid=da70d6 palegoldenrod=eee8aa palegreen=98fb98 paleturquoise=afeeee palevioletred=db7093
papayawhip=ffefd5 peachpuff=ffdab9 peru=cd853f pink=ffc0cb plum=dda0dd powderblue=b0e0e6 purple=800080
rebeccapurple=663399 red=ff0000 rosybrown=bc8f8f royalblue=4169e1 saddlebrown=8b4513 salmon=fa8072
sandybrown=f4a460 seagreen=2e8b57 seashell=fff5ee sienna=a0522d silver=c0c0c0 skyblue=87ceeb
slateblue=6a5acd slategray=708090 slategrey=708090 snow=fffafa springgreen=00ff7f steelblue=4682b4
tan=d2b48c teal=008080 thistle=d8bfd8 tomato=ff6347 turquoise=40e0d0 violet=ee82ee wheat=f5deb3
white=ffffff whitesmoke=f5f5f5 yellow=ffff00 yellowgreen=9acd32
""".split())
_HEX = re.compile(r"[0-9a-fA-F]{3,8}")
MINIMUM_CONTRAST = 4.5  # WCAG 2.2 success criterion 1.4.3, normal text


def named(name: str) -> Rgb | None:
    found = _NAMED.get(name.lower())
    return hex_color(found) if found else None


def hex_color(digits: str) -> Rgb | None:
    """#rgb, #rgba, #rrggbb or #rrggbbaa without the #; None unless fully opaque."""
    if not _HEX.fullmatch(digits) or len(digits) not in (3, 4, 6, 8):
        return None
    if len(digits) in (3, 4):
        digits = "".join(c * 2 for c in digits)
    if len(digits) == 8:
        if digits[6:].lower() != "ff":
            return None
        digits = digits[:6]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def rgb_function(channels: list[float], percents: list[bool], alpha: float | None) -> Rgb | None:
    """rgb()/rgba() arguments: three numbers (0-255) or percentages; None unless opaque."""
    if len(channels) != 3 or (alpha is not None and alpha < 1):
        return None
    values = [c * 2.55 if percent else c for c, percent in zip(channels, percents, strict=True)]
    return tuple(max(0, min(255, round(v))) for v in values)  # type: ignore[return-value]


def hsl_function(hue: float, saturation: float, lightness: float, alpha: float | None) -> Rgb | None:
    """hsl()/hsla() arguments (hue in degrees, the others in percent); None unless opaque."""
    if alpha is not None and alpha < 1:
        return None
    s, lit = max(0.0, min(1.0, saturation / 100)), max(0.0, min(1.0, lightness / 100))

    def channel(n: int) -> int:
        k = (n + hue / 30) % 12
        a = s * min(lit, 1 - lit)
        return round(255 * (lit - a * max(-1, min(k - 3, 9 - k, 1))))

    return channel(0), channel(8), channel(4)


def luminance(color: Rgb) -> float:
    """WCAG relative luminance."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: Rgb, second: Rgb) -> float:
    """The WCAG contrast ratio of two opaque colours, 1 to 21."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
