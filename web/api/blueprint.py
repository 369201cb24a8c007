"""The API's Blueprint: flask-smorest's, with an arguments parser that refuses NUL text.

PostgreSQL text cannot hold the NUL character, so a request carrying one must be a 422
naming the field, not a database error; SQLite would store it, so both refuse it alike.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser

NUL = "\x00"
NUL_MESSAGE = "Text may not contain the NUL character (\\u0000)."


class TextParser(FlaskParser):
    def load_json(self, req: Request, schema: ma.Schema) -> Any:
        data = super().load_json(req, schema)
        _refuse_nul(data)
        return data

    def load_querystring(self, req: Request, schema: ma.Schema) -> Any:
        data = super().load_querystring(req, schema)
        _refuse_nul({key: req.args.getlist(key) for key in req.args})
        return data


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = TextParser()


def _refuse_nul(value: Any, path: str = "") -> None:
    """Raise a ValidationError at the first text (key or value) holding NUL."""
    if isinstance(value, str):
        if NUL in value:
            raise ma.ValidationError({path or "_schema": [NUL_MESSAGE]})
    elif isinstance(value, dict):
        for key, item in value.items():
            name = str(key)
            if NUL in name:
                raise ma.ValidationError({"_schema": [NUL_MESSAGE]})
            _refuse_nul(item, path or name)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item, path)
