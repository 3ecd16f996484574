"""A local stand-in of Microsoft Graph v1.0 for the Outlook sync (contract section 23):
`python -m tools.graph_standin --port 7073`, started by `make run` and the test stack."""
