"""The field every whole number of the API's input goes through."""

import marshmallow as ma
from marshmallow.validate import Range

from deftweb.field_checks import range_message
from deftweb.models.base import INTEGER_RANGE, integer_range


class ColumnInteger(ma.fields.Integer):
    """A whole number the column it is stored in holds (an Integer column's 32 bits when it is
    stored nowhere): a bigger one is a 422 at its field, not an error from the database."""

    def __init__(self, column=None, **kwargs) -> None:
        super().__init__(**kwargs)
        low, high = INTEGER_RANGE if column is None else integer_range(column)
        self.validators.insert(0, Range(low, high, error=range_message(low, high)))
