"""The yardstick: a Flask endpoint that reads the body and answers 202, nothing else.

Served by the same production server command as crmhub, in the same run, so the
acceptance ratio compares crmhub's work per webhook with the bare cost of a request.
"""

from __future__ import annotations

from flask import Flask, request

app = Flask(__name__)


@app.post("/hooks/<int:connector_id>")
def accept(connector_id: int) -> tuple[dict[str, object], int]:
    request.get_data()
    return {"status": "accepted", "connector": connector_id}, 202
