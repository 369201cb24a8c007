"""The generated organization: deterministic, exact counts, shared mail, realistic markers."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime

from connectors.mailboxes import Change, Mailbox, Spec, generate

END = datetime(2025, 6, 1, tzinfo=UTC)


def test_same_seed_same_organization() -> None:
    first = generate(Spec(seed=3, reps=3, messages_per_mailbox=300, end=END))
    second = generate(Spec(seed=3, reps=3, messages_per_mailbox=300, end=END))
    other = generate(Spec(seed=4, reps=3, messages_per_mailbox=300, end=END))

    assert first.truth() == second.truth()
    assert first.truth() != other.truth()


def test_every_mailbox_holds_exactly_the_requested_count() -> None:
    org = generate(Spec(reps=4, messages_per_mailbox=500, end=END))

    truth = org.truth()
    assert len(truth) == 4
    assert all(len(t.keys) == len(t.message_ids) == 500 for t in truth.values())
    assert all(t.inbox + t.sent == 500 for t in truth.values())


def test_mail_between_reps_sits_in_both_mailboxes_under_one_message_id() -> None:
    org = generate(Spec(reps=3, messages_per_mailbox=800, end=END))
    truth = list(org.truth().values())

    shared = set().union(
        *(a.message_ids & b.message_ids for a, b in itertools.combinations(truth, 2))
    )
    keys = set().union(*(t.keys for t in truth))

    assert len(shared) > 50
    assert len(keys) == sum(len(t.keys) for t in truth)  # keys are per mailbox
    internal = set().union(*(t.internal_only for t in truth))
    assert shared & internal  # internal threads
    assert shared - internal  # customer threads with two reps on them


def test_threads_automated_mail_and_dates() -> None:
    org = generate(Spec(reps=2, messages_per_mailbox=1000, days=120, end=END))
    mailbox = next(iter(org.mailboxes.values()))
    entries = list(mailbox.newest_first())
    messages = [e.message for e in entries]

    replies = [m for m in messages if m.in_reply_to]
    automated = [m for m in messages if m.automated]
    header_names = {name for m in automated for name, _ in m.extra_headers}
    senders = {m.sender.email.split("@")[0] for m in automated}
    free_mail = {m.sender.email for m in messages if m.sender.email.endswith("@gmail.com")}

    assert replies
    assert all(r.references[-1] == r.in_reply_to for r in replies)
    assert all(m.subject.startswith("Re: ") for m in replies)
    assert 0.1 < len(automated) / len(messages) < 0.5
    assert all(m.extra_headers for m in automated)
    assert header_names == {"List-Unsubscribe", "Auto-Submitted", "Precedence"}
    assert senders & {"noreply", "no-reply"}
    assert free_mail
    assert any(m.cc for m in messages)
    assert all(
        END.timestamp() - 121 * 86400 <= m.date.timestamp() <= END.timestamp() for m in messages
    )
    seqs = [e.added_seq for e in sorted(entries, key=lambda e: e.sort_key)]
    assert seqs == sorted(seqs)  # change order follows dates


def test_ten_thousand_messages_per_mailbox_in_seconds() -> None:
    started = time.monotonic()
    org = generate(Spec(reps=3, messages_per_mailbox=10_000))
    elapsed = time.monotonic() - started

    assert all(len(t.keys) == 10_000 for t in org.truth().values())
    assert elapsed < 15


def test_new_mail_at_run_time_reaches_listeners_and_truth() -> None:
    org = generate(Spec(reps=2, messages_per_mailbox=100, end=END))
    heard: list[tuple[str, Change]] = []

    def listener(mailbox: Mailbox, change: Change) -> None:
        heard.append((mailbox.email, change))

    org.subscribe(listener)
    rep = next(iter(org.mailboxes))
    before = org.mailbox(rep).seq
    message = org.add_inbound(rep, subject="Fresh lead")
    org.delete(rep, heard[0][1].entry.key)

    truth = org.truth()[rep]
    assert [(email, change.kind) for email, change in heard] == [(rep, "added"), (rep, "deleted")]
    assert heard[0][1].seq == before + 1
    assert message.subject == "Fresh lead"
    assert message.message_id not in truth.message_ids  # deleted again
    assert len(truth.keys) == 100
