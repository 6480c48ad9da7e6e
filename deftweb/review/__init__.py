"""Review: a person's moves of a request (one or in bulk) and what production approval starts,
the request page, the reviewer queue, and their API."""
