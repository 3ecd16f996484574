"""Route templates as the Functions host reads them (ASP.NET Core routing): literals,
`{name}`, `{name:constraint}`, `{name?}` and a final `{*name}` catch-all, tried in the
host's precedence order (literal, then parameter, then catch-all)."""

import re
from dataclasses import dataclass, field
from typing import Any

_CONSTRAINTS = {
    "int": r"-?\d+", "long": r"-?\d+", "alpha": r"[A-Za-z]+", "bool": r"(?i:true|false)",
    "guid": r"[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}",
    "datetime": r"[^/]+", "decimal": r"-?\d+(\.\d+)?", "double": r"-?\d+(\.\d+)?", "float": r"-?\d+(\.\d+)?",
}


@dataclass
class Segment:
    literal: str | None = None
    name: str | None = None
    pattern: re.Pattern | None = None
    optional: bool = False
    catch_all: bool = False

    @property
    def rank(self) -> int:
        if self.literal is not None:
            return 1
        if self.catch_all:
            return 5
        return 2 if self.pattern is not None else 3


def _segment(text: str) -> Segment:
    if not (text.startswith("{") and text.endswith("}")):
        return Segment(literal=text.lower())
    inner = text[1:-1]
    catch_all = inner.startswith("*")
    inner = inner.lstrip("*")
    name, _, constraint = inner.partition(":")
    optional = name.endswith("?") or constraint.endswith("?")
    name, constraint = name.rstrip("?"), constraint.rstrip("?")
    pattern = None
    if constraint:
        kind, _, argument = constraint.partition("(")
        source = argument[:-1] if kind == "regex" else _CONSTRAINTS.get(kind, r"[^/]+")
        pattern = re.compile(source)
    return Segment(name=name, pattern=pattern, optional=optional or catch_all, catch_all=catch_all)


@dataclass
class Route:
    template: str
    target: Any
    methods: frozenset[str]
    segments: list[Segment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.segments = [_segment(s) for s in self.template.strip("/").split("/") if s]

    @property
    def precedence(self) -> tuple[int, ...]:
        return tuple(s.rank for s in self.segments)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for index, segment in enumerate(self.segments):
            if segment.catch_all:
                params[segment.name] = "/".join(parts[index:])
                return params
            if index >= len(parts):
                if segment.optional:
                    continue
                return None
            part = parts[index]
            if segment.literal is not None:
                if part.lower() != segment.literal:
                    return None
                continue
            if segment.pattern is not None and not segment.pattern.fullmatch(part):
                return None
            params[segment.name] = part
        return params if len(parts) <= len(self.segments) else None


class RouteTable:
    def __init__(self, routes: list[Route]):
        self.routes = sorted(routes, key=lambda r: r.precedence)

    def match(self, path: str, method: str) -> tuple[Route, dict[str, str]] | None:
        parts = [p for p in path.strip("/").split("/") if p]
        for route in self.routes:
            if method.upper() not in route.methods:
                continue
            params = route.match(parts)
            if params is not None:
                return route, params
        return None
