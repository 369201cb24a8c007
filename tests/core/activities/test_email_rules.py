"""Which messages are logged, in which direction, and who may become a customer."""

from __future__ import annotations

import pytest

from core.activities.email import EmailPolicy, classify
from core.activities.email.blocks import Blocks
from tests.core.activities.email_samples import REP, message

POLICY = EmailPolicy(internal_domains=frozenset({"example.com"}), creation="always")
NO_BLOCKS = Blocks()


def test_an_inbound_customer_mail_is_logged_for_the_external_sender() -> None:
    decision = classify(message(), owner=REP, policy=POLICY, blocks=NO_BLOCKS)
    assert decision.logged
    assert decision.direction == "inbound"
    assert [p.email for p in decision.external] == ["ann@acme-corp.com"]
    assert decision.creatable == {"ann@acme-corp.com"}


def test_direction_is_seen_from_the_mailbox_owner() -> None:
    sent = message(sender=REP, to=("ann@acme-corp.com",), cc=("colleague@example.com",))
    decision = classify(sent, owner=REP, policy=POLICY, blocks=NO_BLOCKS)
    assert decision.direction == "outbound"
    assert [p.email for p in decision.external] == ["ann@acme-corp.com"]


def test_internal_only_mail_is_skipped() -> None:
    internal = message(sender="boss@example.com", to=(REP,), cc=("hr@sub.example.com",))
    assert classify(internal, owner=REP, policy=POLICY, blocks=NO_BLOCKS).skip_reason == (
        "internal only"
    )


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        ({"List-Unsubscribe": "<mailto:u@news-co.com>"}, "ann@acme-corp.com", "newsletter"),
        ({"Auto-Submitted": "auto-replied"}, "ann@acme-corp.com", "Auto-Submitted"),
        ({"Precedence": "bulk"}, "ann@acme-corp.com", "Precedence"),
        ({}, "no-reply@shop-co.com", "automated sender"),
    ],
)
def test_automated_mail_is_skipped_with_its_reason(headers, sender, reason) -> None:
    decision = classify(
        message(sender=sender, headers=headers), owner=REP, policy=POLICY, blocks=NO_BLOCKS
    )
    assert not decision.logged
    assert reason in decision.skip_reason


def test_automated_mail_is_kept_when_the_organization_asks() -> None:
    policy = EmailPolicy(internal_domains=POLICY.internal_domains, skip_automated=False)
    newsletter = message(headers={"List-Unsubscribe": "<mailto:u@news-co.com>"})
    assert classify(newsletter, owner=REP, policy=policy, blocks=NO_BLOCKS).logged
    assert classify(message(headers={"Auto-Submitted": "no"}), owner=REP, policy=POLICY,
                    blocks=NO_BLOCKS).logged  # fmt: skip


def test_blocked_people_are_left_out_and_all_blocked_is_skipped() -> None:
    two = message(cc=("bob@other-co.com",))
    by_address = Blocks(addresses=frozenset({"ann@acme-corp.com"}))
    decision = classify(two, owner=REP, policy=POLICY, blocks=by_address)
    assert [p.email for p in decision.external] == ["bob@other-co.com"]
    by_domain = Blocks(domains=frozenset({"acme-corp.com"}))
    assert classify(message(), owner=REP, policy=POLICY, blocks=by_domain).skip_reason == (
        "blocked"
    )


def test_creation_policy_when_rep_wrote_allows_only_recipients_of_the_rep() -> None:
    policy = EmailPolicy(internal_domains=POLICY.internal_domains, creation="when_rep_wrote")
    inbound = classify(message(), owner=REP, policy=policy, blocks=NO_BLOCKS)
    assert inbound.logged
    assert inbound.creatable == frozenset()
    sent = message(sender=REP, to=("ann@acme-corp.com",))
    assert classify(sent, owner=REP, policy=policy, blocks=NO_BLOCKS).creatable == {
        "ann@acme-corp.com"
    }
    never = EmailPolicy(internal_domains=POLICY.internal_domains, creation="never")
    assert classify(sent, owner=REP, policy=never, blocks=NO_BLOCKS).creatable == frozenset()


def test_a_policy_survives_its_json_form_and_refuses_unknown_creation() -> None:
    assert EmailPolicy.from_json(POLICY.to_json()) == POLICY
    with pytest.raises(ValueError, match="creation policy"):
        EmailPolicy.from_json({"creation": "sometimes"})
