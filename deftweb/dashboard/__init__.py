"""The dashboard: status counts as bars, my requests, and the requests waiting for my review."""
