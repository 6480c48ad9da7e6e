"""Thin routes: load (get_or_404), authorise (policy.require), act (a service), answer."""
