"""Forms of the customer and review pages; flask-wtf checks every CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange

from core.records import LIST_FIELDS, SINGLE_FIELDS
from web.ui.display import field_label

# A manual value is one line of text; addresses and custom fields are structured and
# stay with their sources.
PINNABLE = tuple(name for name in SINGLE_FIELDS if name != "address") + LIST_FIELDS
MAX_PIN_LENGTH = 500


def pin_choices() -> list[tuple[str, str]]:
    return [(name, field_label(name)) for name in PINNABLE]


class MergeForm(FlaskForm):
    loser_id = IntegerField(
        "Customer id",
        validators=[InputRequired("Give the id of the customer to merge."), NumberRange(min=1)],
    )


class UnmergeForm(FlaskForm):
    loser_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])


class SplitForm(FlaskForm):
    source_record_id = IntegerField(validators=[InputRequired(), NumberRange(min=1)])


class PinForm(FlaskForm):
    field_name = SelectField("Field", choices=pin_choices, validators=[DataRequired()])
    value = StringField(
        "Value",
        validators=[DataRequired("Give the value to keep."), Length(max=MAX_PIN_LENGTH)],
    )

    def pinned_value(self) -> str | list[str]:
        """List fields take comma-separated items; the first one becomes the primary."""
        text = (self.value.data or "").strip()
        if self.field_name.data in LIST_FIELDS:
            return [item.strip() for item in text.split(",") if item.strip()]
        return text


class UnpinForm(FlaskForm):
    field_name = HiddenField(validators=[AnyOf(PINNABLE)])


class ReviewDecisionForm(FlaskForm):
    decision = HiddenField(validators=[AnyOf(("same", "different"))])
