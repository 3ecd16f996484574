"""A small local stand-in for the Azure Functions host: serves function_app.py's HTTP
routes, runs its timer schedules and feeds its Service Bus triggers, so `make run` works
without Core Tools. The function code cannot tell it from the real host."""
