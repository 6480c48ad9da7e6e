"""Ids in URL paths: `<id:request_id>` and `<task_id:task_id>` match only numbers the id column
holds, so a bigger one is an ordinary 404 rather than an error from the database.

The bound is in the converter's pattern, not only in `to_python`: Werkzeug checks the method of a
rule before converting, so a number refused by `to_python` alone would answer 405 for a method
another rule of the same path allows.
"""

from flask import Flask
from werkzeug.routing import IntegerConverter

from deftweb.models import Task
from deftweb.models.base import INTEGER_RANGE, integer_range


def numbers_up_to(highest: int) -> str:
    """A pattern matching the whole numbers 0 to `highest` (leading zeros allowed), no others."""
    digits = str(highest)
    shorter = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    # As long as `highest`: equal up to a place, smaller there, anything after it.
    smaller_at = [
        rf"{digits[:place]}[0-{int(digit) - 1}]\d{{{len(digits) - place - 1}}}"
        for place, digit in enumerate(digits)
        if digit != "0"
    ]
    return "0*(?:" + "|".join([*shorter, *smaller_at, digits]) + ")"


class IdConverter(IntegerConverter):
    """The id of a row (an Integer primary key: users, requests, slices, templates, datasets)."""

    highest = INTEGER_RANGE[1]

    def __init__(self, url_map) -> None:
        super().__init__(url_map, max=self.highest)
        self.regex = numbers_up_to(self.highest)


class TaskIdConverter(IdConverter):
    """A JEDI task id (64-bit)."""

    highest = integer_range(Task.id)[1]


def register_id_converters(app: Flask) -> None:
    """Before the blueprints: a rule finds its converter when it is added."""
    app.url_map.converters.update(id=IdConverter, task_id=TaskIdConverter)
