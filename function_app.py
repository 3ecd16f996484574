"""The BookMe Function App: one blueprint per route group, registered here and nowhere else."""

import azure.functions as func

from functions import customer_types, employees, health, meeting_topics, openapi, rooms

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)

for module in (health, employees, rooms, meeting_topics, customer_types, openapi):
    app.register_functions(module.bp)
