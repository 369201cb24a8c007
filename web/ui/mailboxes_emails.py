"""A rep's own logged emails, newest first, with a privacy choice per conversation.

Privacy is per thread and per rep (``set_thread_privacy``): it changes what is kept of
the rep's copies of the conversation now and of what the thread logs later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from core.activities.email import set_thread_privacy
from core.models import Activity, ActivityCustomer, ActivityRep, Customer
from web.context import hub
from web.pagination import Paged, requested_page
from web.ui.blueprint import blueprint

PER_PAGE = 25
PRIVACY_CHOICES = (
    ("", "Normal"),
    ("metadata", "Private: metadata only"),
    ("hidden", "Hidden"),
)
PRIVACY_DONE = {
    "": "The conversation is logged normally again.",
    "metadata": "The conversation is private: only who and when is kept, not the subject.",
    "hidden": "The conversation is hidden: it no longer shows on anyone's timeline.",
}
DIRECTIONS = {"inbound": "Received", "outbound": "Sent"}


@dataclass(frozen=True)
class EmailRow:
    id: int
    subject: str
    direction: str
    occurred_at: datetime
    thread_id: str
    private: str
    customers: list[tuple[int, str]]


@dataclass(frozen=True)
class EmailPage(Paged):
    page: int
    per_page: int
    total: int
    rows: list[EmailRow]


@blueprint.get("/my-emails")
@login_required
def my_emails() -> str:
    page = requested_page(request.args.get("page", 1, type=int))
    if page is None:
        abort(404)
    with hub().database.session() as db:
        listing = email_page(db, int(current_user.id), page, PER_PAGE)
    if page > listing.pages:
        abort(404)
    return render_template("mailboxes/emails.html", listing=listing, choices=PRIVACY_CHOICES)


@blueprint.post("/my-emails/privacy")
@login_required
def my_emails_privacy() -> Response:
    thread_id = request.form.get("thread_id", "").strip()
    level = request.form.get("level", "")
    if not thread_id or len(thread_id) > 255 or level not in PRIVACY_DONE:
        abort(400)
    with hub().database.session() as db:
        changed = set_thread_privacy(db, int(current_user.id), thread_id, level)
    noun = "email" if changed == 1 else "emails"
    flash(f"{PRIVACY_DONE[level]} ({changed} logged {noun} changed.)", "success")
    page = request.form.get("page", 1, type=int) or 1
    return redirect(url_for("ui.my_emails", page=page if page > 1 else None))


def email_page(session: Session, user_id: int, page: int, per_page: int) -> EmailPage:
    mine = select(ActivityRep.activity_id).where(ActivityRep.user_id == user_id)
    where = (Activity.type == "email", Activity.id.in_(mine))
    total = session.scalar(select(func.count()).select_from(Activity).where(*where)) or 0
    activities = session.scalars(
        select(Activity)
        .where(*where)
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    linked = _customers(session, [activity.id for activity in activities])
    rows = [
        EmailRow(
            id=a.id,
            subject=_subject(a),
            direction=DIRECTIONS.get(a.direction, a.direction or "—"),
            occurred_at=a.occurred_at,
            thread_id=a.thread_id,
            private=a.private,
            customers=linked.get(a.id, []),
        )
        for a in activities
    ]
    return EmailPage(page, per_page, total, rows)


def _subject(activity: Activity) -> str:
    if activity.private == "metadata":
        return "(private)"
    if activity.private == "hidden":
        return "(hidden)"
    return activity.subject or "(no subject)"


def _customers(session: Session, activity_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    if not activity_ids:
        return {}
    rows = session.execute(
        select(
            ActivityCustomer.activity_id, Customer.id, Customer.full_name, Customer.primary_email
        )
        .join(Customer, Customer.id == ActivityCustomer.customer_id)
        .where(ActivityCustomer.activity_id.in_(activity_ids))
        .order_by(Customer.full_name, Customer.id)
    ).all()
    found: dict[int, list[tuple[int, str]]] = {}
    for activity_id, customer_id, name, email in rows:
        label = name or email or f"Customer {customer_id}"
        found.setdefault(activity_id, []).append((customer_id, label))
    return found
