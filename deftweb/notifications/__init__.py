"""Notifications: watchers and the outbox a change writes, the sender that delivers it, digests."""
