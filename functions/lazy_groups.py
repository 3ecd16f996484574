"""Route groups registered without importing them: a group's module (its handlers, models and
the services behind them) is imported by the group's first request, so a cold instance loads
only the groups it serves. function_app.py declares each group's function name and route base;
tests/unit/test_lazy_route_groups.py checks them against the modules."""

import importlib
from collections.abc import Callable

import azure.functions as func

from functions.http import HttpFunction, with_request_id

# Every method reaches the group, so a known path with another method is a 405, not a 404.
METHODS = ["DELETE", "GET", "PATCH", "POST", "PUT"]
MODULES: list[str] = []


def _lazy(name: str, route: str, methods: list[str], entry: Callable[[], HttpFunction]) -> func.Blueprint:
    """One anonymous HTTP function whose handler, `entry()`, is imported by its first request."""
    bp = func.Blueprint()

    async def serve(req: func.HttpRequest) -> func.HttpResponse:
        return await entry()(req)

    serve.__name__ = name
    bp.route(route=route, methods=methods, auth_level=func.AuthLevel.ANONYMOUS)(with_request_id(serve))
    return bp


def blueprint(name: str, base: str, module: str) -> func.Blueprint:
    """The group's one HTTP-triggered function, `{version}/bookme/<base>/{*rest}`."""
    MODULES.append(module)
    # Importing the module registers its RouteGroup with every endpoint; later calls find it loaded.
    return _lazy(name, f"{{version}}/bookme/{base.strip('/')}/{{*rest}}", METHODS,
                 lambda: importlib.import_module(module).group.dispatch)


def load_all() -> None:
    """Import every declared group (the OpenAPI generator describes them all)."""
    for module in MODULES:
        importlib.import_module(module)


def page(name: str, route: str, module: str) -> func.Blueprint:
    """An HTTP function outside the API's versioned routes (the customer booking page), whose
    module (`serve(req)`) is imported by its first request."""
    return _lazy(name, route, ["GET", "POST"], lambda: importlib.import_module(module).serve)
