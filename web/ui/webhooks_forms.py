"""Forms of the webhook pages; flask-wtf checks the CSRF token of every one of them.

Event types are picked from checkboxes of the known types, with a text field for any
other pattern; ``webhooks.outbound.filters`` has the final word on what is valid.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

EVENT_CHOICES = [
    SelectChoice("*", "Every event (*)"),
    SelectChoice("customer.*", "Every customer event (customer.*)"),
    *(
        SelectChoice(name, name)
        for name in (
            "customer.created",
            "customer.updated",
            "customer.merged",
            "customer.split",
            "customer.erased",
            "activity.logged",
        )
    ),
]
KNOWN_TYPES = {choice.value for choice in EVENT_CHOICES}
REPLAY_WINDOW = timedelta(hours=24)  # the default "since" of the replay form


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EndpointForm(FlaskForm):
    url = URLField(
        "Endpoint URL",
        validators=[DataRequired("Give the URL that receives the webhooks."), Length(max=2000)],
    )
    description = StringField("Description", validators=[Length(max=500)])
    event_types = CheckboxesField("Events", choices=EVENT_CHOICES, validate_choice=True)
    other_types = StringField("Other event types or patterns", validators=[Length(max=500)])

    def patterns(self) -> list[str]:
        """The ticked types followed by the typed ones (comma- or space-separated)."""
        typed = (self.other_types.data or "").replace(",", " ").split()
        return [*(self.event_types.data or []), *typed]

    def show(self, patterns: Sequence[str]) -> None:
        """Fill the event fields from a stored filter (known ones ticked, the rest typed)."""
        self.event_types.data = [p for p in patterns if p in KNOWN_TYPES]
        self.other_types.data = ", ".join(p for p in patterns if p not in KNOWN_TYPES)


class ReplaySinceForm(FlaskForm):
    since = DateTimeLocalField(
        "Replay everything since (UTC)",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired("Give the date and time to replay from.")],
    )

    def since_utc(self) -> datetime:
        """The page shows UTC everywhere, so the picked time is read as UTC."""
        assert self.since.data is not None
        return self.since.data.replace(tzinfo=UTC)

    def suggest(self, now: datetime) -> None:
        if self.since.data is None:
            self.since.data = (
                (now - REPLAY_WINDOW).astimezone(UTC).replace(tzinfo=None, second=0, microsecond=0)
            )


class AllowlistForm(FlaskForm):
    cidrs = TextAreaField("Allowed private ranges", validators=[Length(max=20_000)])

    def entries(self) -> list[str]:
        """One CIDR per line (commas also separate); blank lines and # comments ignored."""
        lines = (line.split("#", 1)[0] for line in (self.cidrs.data or "").splitlines())
        return [item for line in lines for item in line.replace(",", " ").split()]


class ActionForm(FlaskForm):
    """The buttons that only post (enable, rotate, test, delete, replay): CSRF only."""
