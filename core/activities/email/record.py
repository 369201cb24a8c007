"""Logging one mailbox message: the activity, its customers, and the mailbox's tally."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.activities.email.blocks import Blocks, blocked_for
from core.activities.email.classify import Decision, classify
from core.activities.email.message import Address, EmailMessage
from core.activities.email.policy import EmailPolicy, load_policy
from core.activities.email.privacy import thread_privacy
from core.activities.inputs import ActivityInput
from core.activities.logbook import log_activity
from core.identity import ingest_customer
from core.models import Activity, ActivityCustomer, ActivityRep, IdentityKey, MailboxMessage
from core.normalize import normalize_email

NO_CUSTOMER = {
    "always": "no customer: no personal address outside",
    "when_rep_wrote": "unknown sender: no rep has written to them",
    "never": "not a customer: none are made from email",
}
REASON_LENGTH = 64  # mailbox_messages.skip_reason


@dataclass(frozen=True)
class EmailOutcome:
    activity_id: int | None
    skip_reason: str
    customer_ids: tuple[int, ...] = ()
    created_customers: int = 0
    seen_before: bool = False  # this mailbox had already accounted for the message


def log_email(
    session: Session,
    message: EmailMessage,
    *,
    connector_id: int,
    owner: str,
    user_id: int | None,
    policy: EmailPolicy | None = None,
    blocks: Blocks | None = None,
) -> EmailOutcome:
    """Account for one message of one mailbox, in the caller's transaction, once.

    The activity is keyed on the Message-ID and belongs to no single mailbox, so the
    same message synced from two reps' mailboxes is one activity linked to both reps.
    """
    seen = session.scalar(
        select(MailboxMessage).where(
            MailboxMessage.connector_id == connector_id,
            MailboxMessage.provider_id == message.provider_id,
        )
    )
    if seen is not None:
        return EmailOutcome(seen.activity_id, seen.skip_reason, seen_before=True)
    policy = policy or load_policy(session)
    blocks = blocks or blocked_for(session, policy, user_id)
    decision = classify(message, owner=owner, policy=policy, blocks=blocks)
    privacy = thread_privacy(session, user_id, message.thread_id) if user_id else ""
    outcome = _logged(
        session,
        message,
        decision,
        connector_id=connector_id,
        user_id=user_id,
        policy=policy,
        privacy=privacy,
    )
    session.add(
        MailboxMessage(
            connector_id=connector_id,
            provider_id=message.provider_id,
            message_id=message.message_id[:998],
            sent_at=message.sent_at,
            activity_id=outcome.activity_id,
            skip_reason=outcome.skip_reason[:REASON_LENGTH],
        )
    )
    return outcome


def _logged(
    session: Session,
    message: EmailMessage,
    decision: Decision,
    *,
    connector_id: int,
    user_id: int | None,
    policy: EmailPolicy,
    privacy: str,
) -> EmailOutcome:
    if not decision.logged:
        return EmailOutcome(None, decision.skip_reason)
    if privacy == "hidden":
        return EmailOutcome(None, "private thread (hidden)")
    customers, created = _customers(session, decision, connector_id)
    if not customers:
        return EmailOutcome(None, NO_CUSTOMER[policy.creation])
    item = ActivityInput(
        type="email",
        occurred_at=message.sent_at,
        external_id=message.activity_key[:255],
        connector_id=None,
        direction=decision.direction,
        subject="" if privacy else message.subject,
        summary=message.snippet if policy.store_bodies and not privacy else "",
        thread_id=message.thread_id[:255],
        participants=_participants(message),
        data={"message_id": message.message_id},
    )
    logged = log_activity(
        session,
        item,
        customer_ids=list(customers.values()),
        rep_ids=[user_id] if user_id else [],
    )
    if (privacy and not logged.created) or privacy:
        session.get(Activity, logged.activity_id).private = privacy  # type: ignore[union-attr]
    return EmailOutcome(logged.activity_id, "", tuple(customers.values()), created)


def _customers(
    session: Session, decision: Decision, connector_id: int
) -> tuple[dict[str, int], int]:
    """Known customers by email key; new ones where the policy allows."""
    keys = {person.email: normalize_email(person.email) for person in decision.external}
    match_keys = {r.match_key: email for email, r in keys.items() if r.match_key}
    rows = session.execute(
        select(IdentityKey.value, IdentityKey.customer_id).where(
            IdentityKey.kind == "email",
            IdentityKey.value.in_(list(match_keys)),
            IdentityKey.customer_id.is_not(None),
        )
    ).all()
    found = {match_keys[value]: customer_id for value, customer_id in rows}
    created = 0
    for person in decision.external:
        if person.email in found or person.email not in decision.creatable:
            continue
        if keys[person.email].is_role:
            continue  # info@, sales@: a shared inbox is never a customer on its own
        result = ingest_customer(
            session,
            connector_id=connector_id,
            external_id=f"email:{person.email}",
            raw={"email": person.email, "name": person.name},
            mapped=_mapped(person),
        )
        if result.customer_id is not None:
            found[person.email] = result.customer_id
            created += result.action == "created"
    return found, created


def _mapped(person: Address) -> dict[str, Any]:
    mapped: dict[str, Any] = {"emails": [person.email]}
    if person.name and "@" not in person.name:
        mapped["full_name"] = person.name
    return mapped


def _participants(message: EmailMessage) -> tuple[dict[str, str], ...]:
    people: list[dict[str, str]] = []
    if message.sender:
        people.append({"email": message.sender.email, "name": message.sender.name, "role": "from"})
    people += [{"email": a.email, "name": a.name, "role": "to"} for a in message.to]
    people += [{"email": a.email, "name": a.name, "role": "cc"} for a in message.cc]
    return tuple(people)


def forget(session: Session, blocks: Blocks, *, user_id: int | None) -> int:
    """Remove logged email about blocked people; returns how many activities changed.

    Their participant entries and customer links go; an activity left linked to no
    customer goes entirely. A rep's block only touches that rep's activities.
    """
    query = select(Activity).where(Activity.type == "email")
    if user_id is not None:
        mine = select(ActivityRep.activity_id).where(ActivityRep.user_id == user_id)
        query = query.where(Activity.id.in_(mine))
    changed = 0
    for activity in session.scalars(query).all():
        hit = [p for p in activity.participants if p.get("email") and _blocked(blocks, p)]
        if not hit:
            continue
        changed += 1
        activity.participants = [p for p in activity.participants if p not in hit]
        _unlink(session, activity.id, [p["email"] for p in hit])
        linked = select(ActivityCustomer).where(ActivityCustomer.activity_id == activity.id)
        if session.scalar(linked.limit(1)) is None:
            _drop(session, activity)
    return changed


def _blocked(blocks: Blocks, participant: dict[str, Any]) -> bool:
    return blocks.blocks(Address(str(participant["email"]).lower()))


def _drop(session: Session, activity: Activity) -> None:
    session.execute(
        update(MailboxMessage)
        .where(MailboxMessage.activity_id == activity.id)
        .values(activity_id=None, skip_reason="blocked")
    )
    session.delete(activity)


def _unlink(session: Session, activity_id: int, emails: list[str]) -> None:
    match_keys = [k for k in (normalize_email(e).match_key for e in emails) if k]
    customers = select(IdentityKey.customer_id).where(
        IdentityKey.kind == "email", IdentityKey.value.in_(match_keys)
    )
    session.execute(
        delete(ActivityCustomer).where(
            ActivityCustomer.activity_id == activity_id,
            ActivityCustomer.customer_id.in_(customers),
        )
    )


def record_gone(session: Session, *, connector_id: int, provider_id: str, reason: str) -> None:
    """Account for a message listed but gone before it could be read (deleted meanwhile)."""
    seen = select(MailboxMessage.id).where(
        MailboxMessage.connector_id == connector_id, MailboxMessage.provider_id == provider_id
    )
    if session.scalar(seen) is None:
        session.add(
            MailboxMessage(connector_id=connector_id, provider_id=provider_id, skip_reason=reason)
        )


def log_emails(
    session: Session,
    messages: Iterable[EmailMessage],
    *,
    connector_id: int,
    owner: str,
    user_id: int | None,
) -> Counter[str]:
    """A page of one mailbox's messages, the policy and blocks read once; the tally."""
    policy = load_policy(session)
    blocks = blocked_for(session, policy, user_id)
    counts: Counter[str] = Counter()
    for message in messages:
        outcome = log_email(
            session,
            message,
            connector_id=connector_id,
            owner=owner,
            user_id=user_id,
            policy=policy,
            blocks=blocks,
        )
        counts["customers_created"] += outcome.created_customers
        counts["logged" if outcome.activity_id else "skipped"] += 1
    return counts
