"""The form an admin fills in to add a web-forms source."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

AUTH_CHOICES = [
    SelectChoice("token", "Secret in the URL (a form on a web page)"),
    SelectChoice("hmac", "Signed requests (Standard Webhooks, from a server)"),
]


class CreateWebFormForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    auth = SelectField("How posts prove themselves", choices=AUTH_CHOICES, default="token")
    default_region = StringField(
        "Country for phone numbers",
        validators=[
            Optional(),
            Regexp(r"^[A-Za-z]{2}$", message="A two-letter country code, such as US or GB."),
        ],
    )
