"""Mail no person wrote: newsletters, notifications, auto-replies (skipped by default)."""

from __future__ import annotations

from core.activities.email.message import EmailMessage

NOREPLY_LOCAL_PARTS = frozenset(
    {
        "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply",
        "mailer-daemon", "postmaster", "notifications", "notification", "bounce",
        "bounces", "newsletter", "news", "marketing", "alerts", "updates",
    }
)  # fmt: skip
BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})


def automated_reason(message: EmailMessage) -> str | None:
    """Why a message looks machine-sent, or None for mail a person wrote."""
    headers = {name.lower(): value for name, value in message.headers.items()}
    if headers.get("list-unsubscribe"):
        return "newsletter (List-Unsubscribe)"
    auto = headers.get("auto-submitted", "").strip().lower()
    if auto and auto != "no":
        return f"automatic (Auto-Submitted: {auto})"
    if headers.get("precedence", "").strip().lower() in BULK_PRECEDENCE:
        return "bulk (Precedence)"
    if message.sender is not None:
        local = message.sender.email.split("@", 1)[0].split("+", 1)[0]
        if local in NOREPLY_LOCAL_PARTS:
            return f"automated sender ({local}@)"
    return None
