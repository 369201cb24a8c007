"""A rep marks a conversation private: metadata only (no subject or text), or hidden."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.models import PRIVACY_LEVELS, Activity, ActivityRep, PrivateThread


def set_thread_privacy(session: Session, user_id: int, thread_id: str, level: str) -> int:
    """Apply to the thread's logged activities and to what it logs later; "" undoes."""
    if level not in PRIVACY_LEVELS:
        raise ValueError(f"privacy must be one of {PRIVACY_LEVELS}")
    row = session.get(PrivateThread, (user_id, thread_id))
    if level and row is None:
        session.add(PrivateThread(user_id=user_id, thread_id=thread_id, level=level))
    elif level and row is not None:
        row.level = level
    elif row is not None:
        session.delete(row)
    mine = select(ActivityRep.activity_id).where(ActivityRep.user_id == user_id)
    changed = session.execute(
        update(Activity)
        .where(Activity.thread_id == thread_id, Activity.id.in_(mine))
        .values(private=level)
    )
    return int(changed.rowcount or 0)


def thread_privacy(session: Session, user_id: int, thread_id: str) -> str:
    row = session.get(PrivateThread, (user_id, thread_id))
    return row.level if row else ""
