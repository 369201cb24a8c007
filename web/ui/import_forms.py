"""The CSV upload form: a file, an optional mapping document and an import source name."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from connectors.csvimport import DEFAULT_SOURCE

MAX_MAPPING_CHARS = 100_000


class UploadForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to upload.")])
    mapping = TextAreaField(
        "Mapping document (optional)",
        validators=[Optional(), Length(max=MAX_MAPPING_CHARS)],
    )
    source = StringField(
        "Import source",
        default=DEFAULT_SOURCE,
        validators=[Optional(), Length(max=200)],
    )

    def mapping_document(self) -> str | None:
        text = (self.mapping.data or "").strip()
        return text or None

    def source_name(self) -> str:
        return (self.source.data or "").strip() or DEFAULT_SOURCE
