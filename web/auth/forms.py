"""Sign-in and first-admin forms; flask-wtf adds and checks the CSRF token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from core.passwords import MIN_PASSWORD_LENGTH

PASSWORD_RULE = f"Use at least {MIN_PASSWORD_LENGTH} characters."


def new_password_validators() -> list[object]:
    """The form-level check; core.passwords has the final word when the user is saved."""
    return [DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024, message=PASSWORD_RULE)]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])


class SetupForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    name = StringField("Name", validators=[Length(max=200)])
    password = PasswordField("Password", validators=new_password_validators())
    confirm = PasswordField(
        "Confirm password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
