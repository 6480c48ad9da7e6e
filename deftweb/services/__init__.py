"""Business logic with no Flask request in it. Services flush; the caller commits once."""
