"""Wording for pages: core's lower-case messages as sentences, durations in words."""

from __future__ import annotations


def as_sentence(message: str) -> str:
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message[-1] in ".!?" else message + "."


def describe_wait(seconds: int) -> str:
    """'45 seconds', '1 minute', '15 minutes': Retry-After in words."""
    if seconds < 90:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
