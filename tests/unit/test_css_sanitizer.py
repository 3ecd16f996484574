"""The portal stylesheet sanitiser (contract section 24) against a corpus of hostile CSS, and
the invariants that must hold for any input at all."""

import re

import pytest
import tinycss2
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.rules.css_colors import contrast, hex_color, hsl_function, named
from shared.rules.css_sanitizer import LAYER, ROOT, escape_positions, sanitize

# Each entry: hostile CSS, and what must not survive of it.
HOSTILE = [
    ("@import url(https://evil.example/x.css);", ["@import", "evil"]),
    ("@import 'https://evil.example/x.css';", ["@import", "evil"]),
    ("@font-face { font-family: X; src: url(https://evil.example/f.woff) }", ["@font-face", "url", "evil"]),
    ("body { background: url(https://evil.example/track.png) }", ["url", "evil"]),
    ("body { background-image: url('javascript:alert(1)') }", ["url", "javascript"]),
    (".x { width: expression(alert(1)) }", ["expression", "alert"]),
    (".x { color: expression(alert(1)); background-color: #fff }", ["expression"]),
    (".x { behavior: url(x.htc) }", ["behavior", "url"]),
    (".x { -moz-binding: url(x.xml#xss) }", ["binding", "url"]),
    (".x { b\\61 ckground: url(x) }", ["url", "\\"]),
    (".x { background: \\75 rl(https://evil.example) }", ["evil", "\\"]),
    (".x { color: re\\64; background-color: #fff }", ["\\", "re"]),
    (".x\\3c script { color: #000; background-color: #fff }", ["\\", "script"]),
    ("</style><script>alert(1)</script>", ["<", "script"]),
    ("a { content: '</style><script>alert(1)</script>' }", ["<", "content"]),
    ("a::after { content: url(https://evil.example) }", ["after", "url", "content"]),
    ("input[value^='a'] { background-color: #fff; color: #000 }", ["value"]),
    (".x { --evil: url(https://evil.example); color: var(--evil) }", ["--evil", "var(", "url"]),
    (".x { background-color: #fff; color: attr(data-x) }", ["attr("]),
    (".x { background: image-set('a.png' 1x) }", ["image-set"]),
    (".x { position: fixed; top: 0; left: 0; width: 100vw; height: 100vh; z-index: 99999 }",
     ["position", "z-index", "100vw"]),
    (".x { display: none !important; visibility: hidden; opacity: 0 }", ["display", "visibility", "opacity"]),
    (".x { padding: 0 2000px; margin-left: -999px }", ["2000px", "-999px"]),
    (".x { font-size: 1px }", ["font-size"]),
    (".x { transform: scale(0) }", ["transform"]),
    (".x { cursor: url(x.cur), auto }", ["cursor", "url"]),
    ("* { color: #fff }", ["#fff"]),
    ("body { background-color: #000 }", ["#000"]),
    (".x { color: #777; background-color: #888 }", ["#777", "#888"]),
    (".x { color: rgba(0, 0, 0, 0.2); background-color: #fff }", ["rgba", "#fff"]),
    (".x { color: #000 !important; background-color: #fff !important }", ["!important"]),
    ("@namespace svg url(http://www.w3.org/2000/svg);", ["@namespace", "url"]),
    ("@charset 'utf-8'; @page { margin: 0 }", ["@charset", "@page"]),
    ("@keyframes x { from { color: red } }", ["@keyframes"]),
    ("@supports (display: grid) { .x { padding: 1px } }", ["@supports"]),
    ("@media (max-width: 600px) { @import url(x); .x { padding: 1px } }", ["@import", "url"]),
    ("@media url(x) { .x { padding: 1px } }", ["url", "@media"]),
    (".x { .y { padding: 1px } }", [".y"]),
    ("& .x { padding: 1px }", ["&"]),
    ("svg|a { padding: 1px }", ["svg"]),
    (".x { padding: 1px } } html { display: none }", ["display"]),
    ("/* } .x { background: url(x) } */ .y { padding: 1px }", ["url"]),
    (".x{padding:1px}/*", ["/*"]),
    (".x { background: url(data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=) }", ["url", "data:"]),
    (".x { font-family: 'a\\27 ;}' }", ["\\"]),
    (".x { list-style: url(x) }", ["url"]),
    (".x { border-image: url(x) 30 }", ["url"]),
    (".x { mask: url(x) }", ["url"]),
    (".x { filter: url(#f) }", ["url", "filter"]),
    (".x { background-color: #fff; color: #000; background: url(x) }", ["url"]),
]


@pytest.mark.parametrize(("css", "forbidden"), HOSTILE, ids=[c[:40] for c, _ in HOSTILE])
def test_hostile_css_loses_what_makes_it_hostile(css, forbidden):
    cleaned = sanitize(css)
    for text in forbidden:
        assert text.lower() not in cleaned.lower(), cleaned
    assert_well_formed(cleaned)


def assert_well_formed(cleaned: str) -> None:
    """Every surviving rule applies inside the page's root; nothing loads or escapes."""
    if not cleaned:
        return
    for banned in ("url(", "@import", "@font-face", "expression", "\\", "<", "!important", "var(", "--"):
        assert banned not in cleaned.lower()
    nodes = tinycss2.parse_stylesheet(cleaned, skip_comments=True, skip_whitespace=True)
    assert [n.type for n in nodes] == ["at-rule"] and nodes[0].lower_at_keyword == "layer"
    assert tinycss2.serialize(nodes[0].prelude).strip() == LAYER
    for rule in _style_rules(tinycss2.parse_rule_list(nodes[0].content, skip_comments=True, skip_whitespace=True)):
        for selector in tinycss2.serialize(rule.prelude).split(","):
            assert re.match(rf"{re.escape(ROOT)}(?![\w-])", selector.strip()), selector


def _style_rules(nodes):
    for node in nodes:
        assert node.type in ("qualified-rule", "at-rule"), node
        if node.type == "at-rule":
            assert node.lower_at_keyword == "media"
            yield from _style_rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))
        else:
            yield node


def test_a_bank_theme_survives_scoped_to_the_page_root():
    cleaned = sanitize("""
        body { font-family: "Nordhavn Sans", Arial, sans-serif; color: #1a1a1a; background-color: #ffffff }
        html body h1, :root > h2 { font-weight: 700; letter-spacing: 0.02em }
        .bm-button { background: #0b3d91; color: white; border-radius: 6px; padding: 8px 16px }
        .bm-page .bm-slot:hover { background-color: rgb(230 238 250); color: #0b3d91 }
        @media (max-width: 600px) { h1 { font-size: 1.5rem } }
    """)
    assert ".bm-page { font-family: \"Nordhavn Sans\", Arial, sans-serif; color: #1a1a1a; " \
           "background-color: #ffffff; }" in cleaned
    assert ".bm-page h1, .bm-page > h2 { font-weight: 700; letter-spacing: 0.02em; }" in cleaned
    assert ".bm-page .bm-button { background-color: #0b3d91; color: white; border-radius: 6px; " \
           "padding: 8px 16px; }" in cleaned
    assert ".bm-page .bm-slot:hover {" in cleaned
    assert "@media (max-width: 600px) {\n  .bm-page h1 { font-size: 1.5rem; }\n}" in cleaned
    assert_well_formed(cleaned)


def test_a_text_colour_needs_its_background_in_the_same_rule_with_enough_contrast():
    assert sanitize(".x { color: #000; background-color: #fff }") != ""
    assert sanitize(".x { color: #000 }") == ""  # on whatever background some other rule sets: no
    assert sanitize(".x { background-color: #000 }") == ""
    assert sanitize(".x { color: #767676; background-color: #fff }") != ""  # 4.54:1
    assert sanitize(".x { color: #777777; background-color: #fff }") == ""  # 4.48:1
    # The other declarations of the rule stay.
    assert "padding: 4px" in sanitize(".x { color: #777; background-color: #fff; padding: 4px }")


def test_an_escape_drops_only_the_rule_or_declaration_it_is_written_in():
    cleaned = sanitize(".a { padding: 1px; m\\61 rgin: 2px; border-radius: 3px }\n.b\\31 { padding: 4px }\n"
                       ".c { padding: 5px }")
    assert "padding: 1px" in cleaned and "border-radius: 3px" in cleaned and "2px" not in cleaned
    assert "4px" not in cleaned and ".bm-page .c { padding: 5px; }" in cleaned


def test_escape_positions_ignore_comments_and_count_like_tinycss2():
    assert escape_positions("/* \\ */ a\n b\\c") == [(2, 3)]
    assert escape_positions("'\\''") == [(1, 2)]


def test_colours_and_contrast_follow_wcag():
    assert named("White") == (255, 255, 255) and named("nonsense") is None
    assert hex_color("0b3d91") == (11, 61, 145) and hex_color("fff8") is None and hex_color("000000ff") == (0, 0, 0)
    assert hsl_function(0, 100, 50, None) == (255, 0, 0)
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert round(contrast((118, 118, 118), (255, 255, 255)), 2) == 4.54


def test_the_largest_styling_a_portal_may_hold_is_sanitised_within_bounds():
    rule = ".bm-slot { padding: 4px; border-radius: 2px }\n"
    cleaned = sanitize(rule * (100_000 // len(rule)))
    assert cleaned.count("{") <= 2001  # MAX_RULES and the layer


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcdehlmoprstuxy:;{}()[]@\\/*'\"<>!#.,- 0123456789%\n")),
               max_size=200))
def test_no_input_escapes_the_page_or_loads_anything(css):
    assert_well_formed(sanitize(css))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "body", "html", ":root", ".bm-slot", "h1", "*", "a:hover", "a::before", "[x]", "svg|a", "&", "#id",
    "li:nth-child(2n+1)", ":has(a)", ":is(a)", ">", "+", "~", " "]), min_size=1, max_size=6),
       st.sampled_from(["padding: 1px", "color: #000; background-color: #fff", "background: url(x)",
                        "color: expression(x)", "margin: auto"]))
def test_every_selector_that_survives_is_scoped(parts, declaration):
    assert_well_formed(sanitize(f"{''.join(parts)} {{ {declaration} }}"))
