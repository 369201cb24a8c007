"""Messages for the email-rule tests: a rep at example.com talking to customers."""

from __future__ import annotations

from datetime import UTC, datetime

from core.activities.email import Address, EmailMessage

REP = "rita@example.com"
WHEN = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def addr(email: str, name: str = "") -> Address:
    parsed = Address.parse(email, name)
    assert parsed is not None
    return parsed


def message(
    provider_id: str = "p1",
    *,
    sender: str = "ann@acme-corp.com",
    to: tuple[str, ...] = (REP,),
    cc: tuple[str, ...] = (),
    message_id: str = "<m1@acme-corp.com>",
    thread_id: str = "t1",
    headers: dict[str, str] | None = None,
    subject: str = "Pricing question",
) -> EmailMessage:
    return EmailMessage(
        provider_id=provider_id,
        message_id=message_id,
        thread_id=thread_id,
        sent_at=WHEN,
        sender=addr(sender, "Ann Lee" if sender.startswith("ann@") else ""),
        to=tuple(addr(a) for a in to),
        cc=tuple(addr(a) for a in cc),
        subject=subject,
        snippet="Could you send the price list?",
        headers=headers or {},
    )
