"""The server-rendered pages for admins and reps."""

from flask import Blueprint

blueprint = Blueprint("ui", __name__)
