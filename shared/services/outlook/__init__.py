"""The advisors' Outlook calendars (contract section 23; docs/architecture.md, "Outlook"), each
step in a module named for it:

inbound        Graph's notifications queued, the sync queue's messages, the reconciliation
mailbox_sync   one mailbox's delta query written into the employee's Outlook time of each day
subscriptions  which mailboxes are followed; their Graph subscriptions made, renewed, removed
outbound       the Outlook events queue's messages, retried while Graph is down
event_writes   a meeting's events in its employees' calendars brought in line with it
leases         one worker at a time per mailbox or meeting, on any number of instances
graph_gate     Graph's limits per mailbox: 4 calls at once, Retry-After
"""
