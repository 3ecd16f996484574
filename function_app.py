"""The BookMe Function App: one blueprint per route group, registered here and nowhere else."""

import azure.functions as func

from functions import (
    competence_groups,
    customer_types,
    customers,
    employee_schedules,
    employees,
    health,
    labels,
    locations,
    meeting_topics,
    meetings,
    notifications,
    openapi,
    organization_settings,
    portals,
    reservations,
    reservations_cleanup,
    room_vacancies,
    rooms,
    service_groups,
    time_slots,
    timezones,
    webhook_delivery,
    webhooks,
)

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for module in (health, employees, rooms, meeting_topics, customer_types, employee_schedules, organization_settings,
               locations, timezones, labels, competence_groups, service_groups, portals, time_slots,
               meetings, customers, reservations, room_vacancies, reservations_cleanup, notifications, webhooks,
               webhook_delivery, openapi):
    app.register_functions(module.bp)
