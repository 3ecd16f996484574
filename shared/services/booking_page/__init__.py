"""The customer booking page's use cases (contract section 24): sessions, the offer of times,
holds, sign-in, booking, manage links, reminders and the customer's e-mails."""
