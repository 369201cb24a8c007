"""Forms of the admin pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from web.auth.forms import new_password_validators

ROLE_CHOICES = [SelectChoice("rep", "Sales rep"), SelectChoice("admin", "Administrator")]


class CreateUserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    name = StringField("Name", validators=[Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="rep")
    password = PasswordField("Initial password", validators=new_password_validators())
