"""Marshmallow schemas of the JSON API; flask-smorest turns them into the OpenAPI document."""
