"""How deliveries read on the webhook pages: status words, exact times, latencies.

Attempts of one delivery are often seconds apart, so their times show seconds, which
the minute-precision ``when`` filter leaves out.
"""

from __future__ import annotations

from datetime import UTC, datetime

from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.display import EMPTY

DELIVERY_STATUS = {
    "pending": ("Pending", "busy"),
    "succeeded": ("Delivered", "ok"),
    "failed": ("Failed", "bad"),
}


@blueprint.app_template_filter("when_exact")
def when_exact(value: datetime | None) -> str:
    if value is None:
        return EMPTY
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") + " UTC"


@blueprint.app_template_filter("sentence")
def sentence(message: str) -> str:
    """Domain messages (a disabled endpoint's reason) start lower-case; a flag is a sentence."""
    return as_sentence(message)


@blueprint.app_template_filter("delivery_status")
def delivery_status(status: str, attempts: int = 0) -> str:
    if status == "pending" and attempts:
        return "Retrying"
    return DELIVERY_STATUS.get(status, (status.capitalize(), "idle"))[0]


@blueprint.app_template_filter("delivery_tone")
def delivery_tone(status: str) -> str:
    """The status-pill colour: ok, bad, busy or idle."""
    return DELIVERY_STATUS.get(status, ("", "idle"))[1]


@blueprint.app_template_filter("latency")
def latency(milliseconds: int | None) -> str:
    if milliseconds is None:
        return EMPTY
    if milliseconds < 1000:
        return f"{milliseconds} ms"
    return f"{milliseconds / 1000:.1f} s"
