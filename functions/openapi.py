"""{base}/openapi.json and {base}/docs: the OpenAPI document and an interactive reference
(Swagger UI, from the pinned swagger-ui-bundle package; nothing from a CDN). Neither needs a
token: a browser opens them directly, and they hold no data. "Try it out" takes a bearer token
through the document's bearer security scheme.
"""

import functools
import html
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import azure.functions as func

from functions.http import problem, with_request_id
from functions.routing import VERSIONS

bp = func.Blueprint()
_ASSET = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Explicit types: the platform's mimetypes table differs between hosts.
_CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png",
                  ".html": "text/html; charset=utf-8", ".map": "application/json; charset=utf-8"}
# The package's sample initializer loads the public Petstore demo: never served (index.html is ours).
_NOT_SERVED = {"swagger-initializer.js"}
# The page's own script is a file, not inline, so the Content-Security-Policy can forbid inline scripts.
_INIT_SCRIPT = "bookme-docs.js"
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'")
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<base href="{base}">
<link rel="stylesheet" href="swagger-ui.css">
<link rel="icon" type="image/png" href="favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="swagger-ui-bundle.js"></script>
<script src="{init}"></script>
</body>
</html>
"""
# validatorUrl null: Swagger UI would otherwise send the document to an online validator.
_INIT = """window.ui = SwaggerUIBundle({
  url: "../openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
"""


@functools.cache
def _document(version: str) -> dict:
    from functions.openapi_document import build_document  # generated on first use, not at start-up

    return build_document(version)


@functools.lru_cache(maxsize=4)
def _document_json(version: str, today: date) -> str:
    """What make openapi writes, with the date examples of parameters as of today (functions/openapi_examples.py)."""
    from functions.openapi_examples import dated

    return json.dumps(dated(_document(version), today), indent=1, ensure_ascii=False)


@functools.cache
def _assets() -> Path:
    from swagger_ui_bundle import swagger_ui_path

    return Path(str(swagger_ui_path))


def _version(req: func.HttpRequest) -> str | None:
    version = (req.route_params.get("version") or "").lower()
    return version if version in VERSIONS else None


@bp.route(route="{version}/bookme/openapi.json", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@with_request_id
async def openapi_document(req: func.HttpRequest) -> func.HttpResponse:
    version = _version(req)
    if version is None:
        return problem(404, "Not Found", f"No API version {req.route_params.get('version', '')[:20]!r}.")
    today = datetime.now(UTC).date()
    return func.HttpResponse(_document_json(version, today), mimetype="application/json", charset="utf-8")


@bp.route(route="{version}/bookme/docs/{*rest}", methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@with_request_id
async def api_reference(req: func.HttpRequest) -> func.HttpResponse:
    version = _version(req)
    asset = (req.route_params.get("rest") or "").strip("/")
    if version is None:
        return problem(404, "Not Found", f"No API version {req.route_params.get('version', '')[:20]!r}.")
    if asset in ("", "index.html"):
        base = urlsplit(req.url).path.removesuffix("index.html").rstrip("/") + "/"
        page = _PAGE.format(title=f"BookMe API {version.upper()}", base=html.escape(base, quote=True),
                            init=_INIT_SCRIPT)
        return func.HttpResponse(page, mimetype="text/html", charset="utf-8",
                                 headers={"Content-Security-Policy": _CSP, "Cache-Control": "no-cache"})
    if asset == _INIT_SCRIPT:
        return func.HttpResponse(_INIT, mimetype="text/javascript", charset="utf-8")
    path = _assets() / asset
    content_type = _CONTENT_TYPES.get(path.suffix)
    if not _ASSET.fullmatch(asset) or content_type is None or asset in _NOT_SERVED or not path.is_file():
        return problem(404, "Not Found", f"No documentation asset {asset[:100]!r}.")
    # The assets change only with the pinned package version, so browsers may keep them a day.
    return func.HttpResponse(path.read_bytes(), headers={"Content-Type": content_type,
                                                         "Cache-Control": "public, max-age=86400"})
