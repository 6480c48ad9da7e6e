"""Requests: filing (the form, the slice editor, imports, validation), templates, the workflow
that changes a request, the request table, and their pages and API."""
