"""Admin changes to a customer: merge, undo a merge, split a record out, pin a value, erase.

Each runs the domain operation and its audit entry in one transaction, then returns to
the customer page; a refusal from the domain (never merged, already merged, unknown
customer) is shown there as a message instead of an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from core.erasure import erase_customer
from core.identity import (
    CustomerNotFound,
    IdentityError,
    NotMerged,
    merge_customers,
    split_source_record,
    unmerge_customer,
)
from core.models import Customer, SourceRecord
from core.records import pin_field, unpin_field
from web.audit import record_action
from web.auth.roles import admin_required
from web.context import hub
from web.text import as_sentence
from web.ui.blueprint import blueprint
from web.ui.customer_forms import MergeForm, PinForm, SplitForm, UnmergeForm, UnpinForm
from web.ui.display import field_label

Work = Callable[[Session], str]


@blueprint.post("/customers/<int:customer_id>/merge")
@admin_required
def customer_merge(customer_id: int) -> Response:
    form = MergeForm()

    def work(db: Session) -> str:
        loser = form.loser_id.data or 0
        merge_customers(db, customer_id, loser, actor=current_user.email, reason="manual")
        details = {"winner_id": customer_id, "loser_id": loser}
        record_action(db, "customer.merged", target=f"customer {customer_id}", details=details)
        return f"Customer #{loser} was merged into this customer."

    return _run(customer_id, form, work)


@blueprint.post("/customers/<int:customer_id>/unmerge")
@admin_required
def customer_unmerge(customer_id: int) -> Response:
    form = UnmergeForm()

    def work(db: Session) -> str:
        loser = form.loser_id.data or 0
        merged = db.get(Customer, loser)
        if merged is None or merged.merged_into_id != customer_id:
            raise NotMerged(f"customer {loser} is not merged into this customer")
        unmerge_customer(db, loser, actor=current_user.email)
        details = {"winner_id": customer_id, "loser_id": loser}
        record_action(db, "customer.unmerged", target=f"customer {loser}", details=details)
        return f"The merge was undone: customer #{loser} is separate again."

    return _run(customer_id, form, work)


@blueprint.post("/customers/<int:customer_id>/split")
@admin_required
def customer_split(customer_id: int) -> Response:
    form = SplitForm()

    def work(db: Session) -> str:
        record_id = form.source_record_id.data or 0
        record = db.get(SourceRecord, record_id)
        if record is None or record.customer_id != customer_id:
            raise NotMerged(f"source record {record_id} is not linked to this customer")
        new = split_source_record(db, record_id, actor=current_user.email)
        details = {"source_record_id": record_id, "new_customer_id": new.id}
        target = f"customer {customer_id}"
        record_action(db, "customer.record_split", target=target, details=details)
        return f"The record was split out into the new customer #{new.id}."

    return _run(customer_id, form, work)


@blueprint.post("/customers/<int:customer_id>/pin")
@admin_required
def customer_pin(customer_id: int) -> Response:
    form = PinForm()

    def work(db: Session) -> str:
        name, value = form.field_name.data or "", form.pinned_value()
        pin_field(db, customer_id, name, value, actor=current_user.email)
        details = {"field": name, "value": value}
        target = f"customer {customer_id}"
        record_action(db, "customer.field_pinned", target=target, details=details)
        return f"{field_label(name)} is pinned: it keeps this value whatever the sources say."

    return _run(customer_id, form, work)


@blueprint.post("/customers/<int:customer_id>/unpin")
@admin_required
def customer_unpin(customer_id: int) -> Response:
    form = UnpinForm()

    def work(db: Session) -> str:
        name = form.field_name.data or ""
        unpin_field(db, customer_id, name, actor=current_user.email)
        details = {"field": name}
        target = f"customer {customer_id}"
        record_action(db, "customer.field_unpinned", target=target, details=details)
        return f"{field_label(name)} follows its sources again."

    return _run(customer_id, form, work)


class EraseForm(FlaskForm):
    confirm = StringField(
        "Type the customer's id or full name to confirm",
        validators=[
            DataRequired("Type the customer's id or full name to confirm."),
            Length(max=300),
        ],
    )


@blueprint.post("/customers/<int:customer_id>/erase")
@admin_required
def customer_erase(customer_id: int) -> Response:
    """Erase for good, once the admin typed the id or the name: there is no undo."""
    form = EraseForm()
    if not form.validate_on_submit():
        flash(_form_error(form), "error")
        return redirect(url_for("ui.customer", customer_id=customer_id))
    try:
        with hub().database.session() as db:
            customer = db.get(Customer, customer_id)
            if customer is None:
                raise CustomerNotFound(customer_id)
            if not _confirms(form.confirm.data or "", customer):
                flash(_MISMATCH, "error")
                return redirect(url_for("ui.customer", customer_id=customer_id))
            summary = erase_customer(db, customer_id, actor=current_user.email)
            details = {k: v for k, v in summary.items() if k != "erased_by"}
            record_action(db, "customer.erased", target=f"customer {customer_id}", details=details)
    except CustomerNotFound as exc:
        flash(as_sentence(str(exc)), "error")
        return redirect(url_for("ui.customers"))
    except IdentityError as exc:
        flash(as_sentence(str(exc)), "error")
        return redirect(url_for("ui.customer", customer_id=customer_id))
    flash(_erased_message(customer_id, summary), "success")
    return redirect(url_for("ui.customers"))


_MISMATCH = "Nothing was erased: what you typed is neither this customer's id nor their full name."


def _confirms(typed: str, customer: Customer) -> bool:
    """The id (with or without #) or the full name, ignoring case and extra spaces."""
    text = " ".join(typed.split()).casefold()
    name = " ".join((customer.full_name or "").split()).casefold()
    return text in (str(customer.id), f"#{customer.id}") or bool(name and text == name)


def _erased_message(customer_id: int, summary: dict[str, Any]) -> str:
    """What went, in counts only: the person's details are gone and stay out of notices."""
    parts = [
        _count(summary["source_records"], "source record"),
        _count(summary["activities_deleted"], "activity", "activities"),
        _count(summary["inbound_events_deleted"], "received webhook"),
    ]
    blanked = summary["outbox_events_scrubbed"] + summary["audit_entries_scrubbed"]
    merged = len(summary["customer_ids"]) - 1
    text = f"Customer #{customer_id} was erased"
    if merged:
        text += f" with {_count(merged, 'customer')} merged into it"
    return (
        f"{text}: {', '.join(parts)} removed. The person's details were blanked in "
        f"{_count(blanked, 'event or audit entry', 'events or audit entries')} and in "
        f"{_count(summary['activities_scrubbed'], 'activity', 'activities')} kept for others; "
        f"{_count(summary['suppressions'], 'key is', 'keys are')} kept only as hashes, "
        "so no sync brings the person back."
    )


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else (many or one + 's')}"


def _run(customer_id: int, form: FlaskForm, work: Work) -> Response:
    """Validate, act and audit in one transaction, then show the outcome as a notice."""
    if not form.validate_on_submit():
        flash(_form_error(form), "error")
    else:
        try:
            with hub().database.session() as db:
                message = work(db)
        except IdentityError as exc:
            flash(as_sentence(str(exc)), "error")
        else:
            flash(message, "success")
    return redirect(url_for("ui.customer", customer_id=customer_id))


def _form_error(form: FlaskForm) -> str:
    for field in form:
        for message in field.errors:
            label = field.label.text if field.label and field.label.text else field.name
            return as_sentence(f"{label}: {message}")
    return "The form could not be read; reload the page and try again."
