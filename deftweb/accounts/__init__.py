"""Accounts: the profile page, the admin pages for people and groups, and /api/v1/me."""
