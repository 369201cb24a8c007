"""The activity listing of the API: filters and keyset pages over (occurred_at, id)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from core.models import Activity, ActivityCustomer
from web.api.cursors import Key, cursor_page


def list_activities(
    session: Session,
    *,
    customer_id: int | None,
    type_: str | None,
    occurred_since: datetime | None,
    after: Key | None,
    limit: int,
    with_private: bool,
) -> dict[str, Any]:
    """Oldest first; private activities only for callers allowed to see them."""
    query = select(Activity)
    if customer_id is not None:
        linked = select(ActivityCustomer.activity_id).where(
            ActivityCustomer.customer_id == customer_id
        )
        query = query.where(Activity.id.in_(linked))
    if type_ is not None:
        query = query.where(Activity.type == type_)
    if occurred_since is not None:
        query = query.where(Activity.occurred_at >= occurred_since)
    if not with_private:
        query = query.where(Activity.private == "")
    if after is not None:
        moment, last_id = after
        query = query.where(
            or_(
                Activity.occurred_at > moment,
                and_(Activity.occurred_at == moment, Activity.id > last_id),
            )
        )
    rows = session.scalars(query.order_by(Activity.occurred_at, Activity.id).limit(limit + 1)).all()
    page = cursor_page(rows, limit, lambda a: (a.occurred_at, a.id), after)
    page["items"] = activity_bodies(session, page["items"])
    return page


def activity_bodies(session: Session, activities: Sequence[Activity]) -> list[dict[str, Any]]:
    """Activities with the customers each is on, in one query for the page."""
    ids = [activity.id for activity in activities]
    customers: dict[int, list[int]] = {activity_id: [] for activity_id in ids}
    if ids:
        rows = session.execute(
            select(ActivityCustomer.activity_id, ActivityCustomer.customer_id)
            .where(ActivityCustomer.activity_id.in_(ids))
            .order_by(ActivityCustomer.customer_id)
        )
        for activity_id, customer_id in rows:
            customers[activity_id].append(customer_id)
    return [_body(activity, customers[activity.id]) for activity in activities]


def _body(activity: Activity, customer_ids: list[int]) -> dict[str, Any]:
    return {
        "id": activity.id,
        "type": activity.type,
        "occurred_at": activity.occurred_at,
        "direction": activity.direction,
        "subject": activity.subject,
        "summary": activity.summary,
        "duration_seconds": activity.duration_seconds,
        "status": activity.status,
        "url": activity.url,
        "thread_id": activity.thread_id,
        "participants": list(activity.participants or []),
        "data": dict(activity.data or {}),
        "private": bool(activity.private),
        "connector_id": activity.connector_id,
        "external_id": activity.external_id,
        "customer_ids": customer_ids,
        "created_at": activity.created_at,
    }
