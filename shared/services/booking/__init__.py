"""Writing bookings: each step of a booking in a module named for it (docs/architecture.md).

day_batch     read a day's calendars, decide with the pure rules, commit one batch
outbox        the notification messages and webhook events written in that batch, then published
meeting_store meetings in their day partitions: save, move across days, cancel, read
meeting_documents  a meeting's stored document, its copies, the calendars it holds
offer_check   a customer booking against what the search offers, and the room it is given
reservation_store  reservations: documents, consumption, removal, expiry
lookups       the configuration one booking needs, in one request
invitations   a meeting as an iCal invitation
vacancies     the rooms free for a reserved slot or meeting
"""
