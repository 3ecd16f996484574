"""Reading a request: the query string and the JSON body, into models, with 400s for what
does not fit. Used by functions/routing.py for every endpoint."""

import functools
import typing
from typing import Any
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

import azure.functions as func
from pydantic import BaseModel, TypeAdapter, ValidationError

from shared.errors import InvalidRequest
from shared.models.common import is_printable_line
from shared.rules.json_input import JsonInputError, parse_json
from shared.rules.validation import validation_errors


def utf8_path(url: str) -> bool:
    """Whether the percent-encoded path decodes as UTF-8 (hosts pass undecodable bytes on as is)."""
    try:
        unquote_to_bytes(urlsplit(url).path).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def query_values(req: func.HttpRequest) -> dict[str, list[str]]:
    """Every query value, repeated keys kept (the host's params map keeps only one)."""
    try:
        values = parse_qs(urlsplit(req.url).query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise InvalidRequest("The query string is not UTF-8.") from None
    for key, value in req.params.items():
        values.setdefault(key, [value])
    for key, given in values.items():
        if not all(is_printable_line(text) for text in (key, *given)):
            raise InvalidRequest(f"The query parameter {key[:100]!r} holds a control character.")
    return values


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation) if arg is not type(None))


def parse_query(values: dict[str, list[str]], model: type[BaseModel]) -> BaseModel:
    """The query values (from query_values) as `model`; names match case-insensitively."""
    raw = {k.lower(): v for k, v in values.items()}
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        key = (info.alias or name).lower()
        if key not in raw:
            continue
        if _is_list(info.annotation):
            data[info.alias or name] = [part.strip() for v in raw[key] for part in v.split(",") if part.strip()]
        elif raw[key][-1].strip():  # an empty value means the parameter was not given
            data[info.alias or name] = raw[key][-1]
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidRequest("The query parameters are not valid.", validation_errors(error)) from None


@functools.cache
def _adapter(kind: Any) -> TypeAdapter:
    return TypeAdapter(kind)


def parse_body(req: func.HttpRequest, kind: Any) -> Any:
    raw = req.get_body() or b""
    if not raw.strip():
        raise InvalidRequest("A JSON request body is required.")
    try:
        document = parse_json(raw)
    except JsonInputError as error:
        raise InvalidRequest(f"The request body is not valid JSON: {error}.") from None
    try:
        # Strict: JSON bodies carry real types, so "5" is not an integer nor "yes" a boolean.
        return _adapter(kind).validate_python(document, strict=True)
    except ValidationError as error:
        raise InvalidRequest("The request body is not valid.", validation_errors(error)) from None


def preferred_media(accept: str | None, offered: tuple[str, ...]) -> str:
    """Of the media types `offered` (the first is the default), the one the Accept header prefers:
    each takes the quality of the most specific range that matches it (RFC 9110 section 12.5.1);
    the highest quality wins, the earlier offer on a tie. No Accept header accepts anything."""
    ranges = []
    for part in (accept or "*/*").split(","):
        name, *parameters = (piece.strip() for piece in part.lower().split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((name, quality))

    def quality(media: str) -> float:
        matches = {media: 3, f"{media.split('/')[0]}/*": 2, "*/*": 1}
        found = [(matches[name], q) for name, q in ranges if name in matches]
        return max(found)[1] if found else 0.0

    qualities = [quality(media) for media in offered]
    best = max(qualities)
    return offered[qualities.index(best)] if best > 0 else offered[0]
