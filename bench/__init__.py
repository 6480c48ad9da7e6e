"""`make bench`: deftweb's list pages at 10^6 tasks and 10^5 requests, on SQLite and PostgreSQL."""
