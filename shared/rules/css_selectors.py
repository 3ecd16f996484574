"""Which selectors the portal stylesheet sanitiser keeps (shared/rules/css_sanitizer.py), each
rewritten to apply inside the booking page's root: elements, classes, ids, combinators and a few
pseudo-classes; `html`, `body` and `:root` become the root itself. Pure."""

from typing import Any

ROOT = ".bm-page"
_ROOT_ALIASES = {"html", "body"}
_PSEUDO_CLASSES = {"hover", "focus", "focus-visible", "focus-within", "active", "first-child", "last-child",
                   "first-of-type", "last-of-type", "only-child", "empty"}
_PSEUDO_FUNCTIONS = {"nth-child", "nth-of-type", "nth-last-child", "nth-last-of-type"}
_COMBINATORS = {">", "+", "~"}


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


def scoped_selectors(prelude: list[Any]) -> list[str] | None:
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

