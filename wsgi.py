"""WSGI entry point: `gunicorn wsgi:app`."""

from deftweb import create_app

app = create_app()
