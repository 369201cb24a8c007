"""The review queue: possible duplicates, decided by an admin as the same person or not."""

from __future__ import annotations

from math import ceil
from typing import Any, Literal

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from core.identity import IdentityError, decide_review
from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.customer_forms import ReviewDecisionForm
from web.ui.review_view import open_count, review_cards

PER_PAGE = 10
ORDERS = {"likely": "Most likely first", "newest": "Newest first"}  # keys: REVIEW_ORDERS
Decision = Literal["same", "different"]
SAME = "Merged: the two records are now one customer, #{winner}."
DIFFERENT = "Noted: not the same person. This pair will not be proposed again."


@blueprint.get("/review")
@admin_required
def review_queue() -> str:
    page = request.args.get("page", 1, type=int)
    order = request.args.get("order", "likely")
    if page < 1 or order not in ORDERS:
        abort(404)
    with hub().database.session() as db:
        total = open_count(db)
        cards = review_cards(db, PER_PAGE, (page - 1) * PER_PAGE, order)
    pages = max(1, ceil(total / PER_PAGE))
    if page > pages:
        abort(404)
    return render_template(
        "review/queue.html",
        cards=cards,
        total=total,
        page=page,
        pages=pages,
        order=order,
        orders=ORDERS,
    )


@blueprint.post("/review/<int:item_id>")
@admin_required
def review_decide(item_id: int) -> Response:
    form = ReviewDecisionForm()
    if not form.validate_on_submit():
        flash("Choose “Same person” or “Not the same person”.", "error")
        return redirect(url_for("ui.review_queue"))
    decision: Decision = "same" if form.decision.data == "same" else "different"
    try:
        with hub().database.session() as db:
            outcome = decide_review(db, item_id, decision, actor=current_user.email)
            details = {"decision": decision, **_pair(outcome)}
            record_action(db, "review.decided", target=f"review {item_id}", details=details)
    except IdentityError as exc:
        flash(as_sentence(str(exc)), "error")
    else:
        winner = details.get("left_customer_id") or details.get("right_customer_id")
        flash(SAME.format(winner=winner) if decision == "same" else DIFFERENT, "success")
    return redirect(url_for("ui.review_queue"))


def _pair(outcome: dict[str, Any]) -> dict[str, Any]:
    """The customers each record belongs to after the decision, for the audit log."""
    record = outcome.get("record") or {}
    candidate = outcome.get("candidate") or {}
    return {
        "left_customer_id": (candidate.get("customer") or {}).get("id"),
        "right_customer_id": (record.get("customer") or {}).get("id"),
    }


@blueprint.app_context_processor
def navigation_counts() -> dict[str, object]:
    """The open review count for the navigation, asked only when an admin page renders."""

    def open_reviews() -> int:
        if "open_reviews" not in g:
            with hub().database.session() as db:
                g.open_reviews = open_count(db)
        return int(g.open_reviews)

    return {"open_reviews": open_reviews}
