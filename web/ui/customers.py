"""Customer pages for admins and reps: the searchable list and one customer's record."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from core.models import Customer
from web.context import hub
from web.pagination import requested_page
from web.ui.blueprint import blueprint
from web.ui.customer_forms import MergeForm, PinForm
from web.ui.customer_search import CustomerListing, parse_query, search_customers
from web.ui.customer_view import customer_page, survivor_of

PER_PAGE = 25
MERGE_MATCHES = 8


@blueprint.get("/customers")
@login_required
def customers() -> str:
    page = requested_page(request.args.get("page", 1, type=int))
    if page is None:
        abort(404)
    query = parse_query(request.args.get("q"))
    with hub().database.session() as db:
        listing = search_customers(db, query, page, PER_PAGE)
    if page > listing.pages:
        abort(404)
    return render_template("customers/list.html", listing=listing)


@blueprint.get("/customers/<int:customer_id>")
@login_required
def customer(customer_id: int) -> str | Response:
    """A merged-away customer sends the visitor on to the customer it now lives in."""
    with hub().database.session() as db:
        row = db.get(Customer, customer_id)
        if row is None:
            abort(404)
        if row.merged_into_id is not None:
            return _to_survivor(customer_id, survivor_of(db, customer_id))
        view = customer_page(db, customer_id, current_user.id)
        matches = _merge_matches(db, customer_id)
    return render_template(
        "customers/detail.html",
        customer=view,
        merge_form=MergeForm(formdata=None),
        pin_form=PinForm(formdata=None),
        merge_q=request.args.get("merge_q", ""),
        matches=matches,
    )


def _to_survivor(customer_id: int, survivor: int | None) -> Response:
    if survivor is None:
        abort(404)
    flash(
        f"Customer #{customer_id} was merged into customer #{survivor}; "
        "you are looking at the merged record.",
        "info",
    )
    return redirect(url_for("ui.customer", customer_id=survivor))


def _merge_matches(db: Session, customer_id: int) -> CustomerListing | None:
    """Candidates for "merge another customer into this one", searched on the page."""
    text = request.args.get("merge_q", "").strip()
    if not text or not current_user.is_admin:
        return None
    query = parse_query(text)
    return search_customers(db, query, 1, MERGE_MATCHES, exclude=customer_id)
