"""The BookMe Function App: one blueprint per route group, registered here and nowhere else."""

import azure.functions as func

from functions import (
    chores,
    health,
    lazy_groups,
    notifications,
    openapi,
    outlook_events,
    outlook_notifications,
    outlook_sync,
    webhook_delivery,
)
from shared import telemetry

# (function name, route base, module) of every route group. A group's module is imported by its
# first request, not here: a cold start pays for the groups it serves, not for all of them
# (bench/bench_cold_start.py). The name and base are the module's RouteGroup(name, base).
ROUTE_GROUPS = (
    ("employees", "employees", "functions.employees"),
    ("rooms", "rooms", "functions.rooms"),
    ("meeting_topics", "meeting-topics", "functions.meeting_topics"),
    ("customer_types", "config/customer-types", "functions.customer_types"),
    ("employee_schedules", "bookme/config/employee-schedules", "functions.employee_schedules"),
    ("organization_settings", "bookme/config/organization-settings", "functions.organization_settings"),
    ("locations", "bookme/config/locations", "functions.locations"),
    ("timezones", "bookme/config/timezones", "functions.timezones"),
    ("labels", "config/labels", "functions.labels"),
    ("competence_groups", "bookme/config/competence-groups", "functions.competence_groups"),
    ("service_groups", "bookme/config/service-groups", "functions.service_groups"),
    ("portals", "bookme/config/portals", "functions.portals"),
    ("webhooks", "bookme/config/webhooks", "functions.webhooks"),
    ("time_slots", "time-slots", "functions.time_slots"),
    ("reservations", "time-slots/reserve", "functions.reservations"),
    ("meetings", "meetings", "functions.meetings"),
    ("customers", "customers", "functions.customers"),
    ("room_vacancies", "room-vacancies", "functions.room_vacancies"),
    ("reports", "reports", "functions.reports"),
)

# (function name, route, module) of the pages served outside the API's versioned routes, with no
# API token: the customer booking page (contract section 24). Imported by their first request too.
PAGES = (
    ("booking_page", "book/{*rest}", "functions.booking_page"),
)

# Request ids in every log record; traces and metrics when configured (docs/operations.md).
telemetry.configure()

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for module in (health, chores, notifications, webhook_delivery, openapi, outlook_notifications, outlook_sync,
               outlook_events):
    app.register_functions(module.bp)
for name, base, module in ROUTE_GROUPS:
    app.register_functions(lazy_groups.blueprint(name, base, module))
for name, route, module in PAGES:
    app.register_functions(lazy_groups.page(name, route, module))
