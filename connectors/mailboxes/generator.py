"""Build an organization's mailboxes from a seed: threads first, then delivery in date order.

Every rep mailbox is filled to exactly ``messages_per_mailbox`` live messages. Threads are
built for the emptiest mailbox first, so all mailboxes fill evenly; messages to a mailbox
that is already full are simply not placed there (as if they came before the window).
Delivery happens in date order, so change sequence numbers (and Gmail history ids)
grow with time like a real mailbox's.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from connectors.mailboxes import texts
from connectors.mailboxes.model import Address, Entry, Mailbox, Message, entry_key
from connectors.mailboxes.organization import Organization
from connectors.mailboxes.people import (
    VENDORS,
    Person,
    make_companies,
    make_contacts,
    make_reps,
)

NAMESPACE = uuid.UUID("6f1c8a52-4d0e-4b8c-9a55-0c3f7f2f1e01")


@dataclass(frozen=True)
class Spec:
    """What to generate. ``end`` defaults to the current hour, so recent-window queries
    (``newer_than:``) keep matching; pass it explicitly for byte-identical output."""

    seed: int = 7
    reps: int = 4
    messages_per_mailbox: int = 2000
    companies: int = 60
    contacts: int = 400
    days: int = 120
    end: datetime | None = None
    internal_domains: tuple[str, ...] = ("brightwave.io",)
    share_internal: float = 0.08
    share_automated: float = 0.4
    share_second_rep: float = 0.2


def generate(spec: Spec | None = None) -> Organization:
    spec = spec or Spec()
    rng = random.Random(spec.seed)  # noqa: S311 - reproducible test data, not secrets
    domain = spec.internal_domains[0]
    reps = make_reps(rng, spec.reps, domain)
    companies = make_companies(rng, spec.companies)
    contacts = make_contacts(rng, spec.contacts, companies)
    mailboxes = {
        rep.email: Mailbox(Address(rep.email, rep.name), str(uuid.uuid5(NAMESPACE, rep.email)))
        for rep in reps
    }
    org = Organization(spec.internal_domains, reps, companies, contacts, mailboxes, rng)
    end = spec.end or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    threads = _Threads(org, rng, end - timedelta(days=spec.days), end, spec)
    placed = _plan(org, threads, spec.messages_per_mailbox)
    placed.sort(key=lambda item: (item[0].date, item[0].message_id))
    for message, targets in placed:
        for email, folder in targets:
            key = entry_key(email, message.message_id, folder)
            read = folder == "sent" or rng.random() < 0.8
            mailboxes[email].add(Entry(key, message, folder, read), message.date.timestamp())
    return org


def _plan(
    org: Organization, threads: _Threads, target: int
) -> list[tuple[Message, list[tuple[str, str]]]]:
    counts = dict.fromkeys(org.mailboxes, 0)
    placed: list[tuple[Message, list[tuple[str, str]]]] = []
    while True:
        open_boxes = [email for email, count in counts.items() if count < target]
        if not open_boxes:
            return placed
        primary = min(open_boxes, key=lambda email: counts[email])
        for message in threads.one(primary):
            targets = [
                (mailbox.email, folder)
                for mailbox, folder in org._placements(message)
                if counts[mailbox.email] < target
            ]
            for email, _ in targets:
                counts[email] += 1
            if targets:
                placed.append((message, targets))


class _Threads:
    """Thread shapes: customer conversations, internal ones, and automated mail."""

    def __init__(
        self, org: Organization, rng: random.Random, start: datetime, end: datetime, spec: Spec
    ) -> None:
        self.org, self.rng, self.start, self.end, self.spec = org, rng, start, end, spec
        self.by_company: dict[str, list[Person]] = {}
        self.free_mail: list[Person] = []
        for contact in org.contacts:
            if contact.company:
                self.by_company.setdefault(contact.company, []).append(contact)
            else:
                self.free_mail.append(contact)
        names = [c.name for c in org.companies if c.name in self.by_company]
        self.companies = names
        self.weights = [1 / (rank + 1) ** 0.8 for rank in range(len(names))]
        share = max(3, int(len(names) * 1.5 / max(1, len(org.reps))))
        self.territory = {rep.email: rng.sample(names, min(share, len(names))) for rep in org.reps}
        self.rep_by_email = {rep.email: rep for rep in org.reps}
        self.company_by_name = {company.name: company for company in org.companies}

    def one(self, primary: str) -> Iterator[Message]:
        roll = self.rng.random()
        if roll < self.spec.share_automated:
            yield self._automated(primary)
        elif roll < self.spec.share_automated + self.spec.share_internal and len(self.org.reps) > 1:
            yield from self._internal(primary)
        else:
            yield from self._external(primary)

    def _when(self) -> datetime:
        return self.start + (self.end - self.start) * self.rng.random()

    def _later(self, date: datetime) -> datetime:
        return date + timedelta(minutes=3 + self.rng.expovariate(1 / 400))

    def _rep(self, email: str) -> Address:
        rep = self.rep_by_email[email]
        return Address(rep.email, rep.name)

    def _external(self, primary: str) -> Iterator[Message]:
        rng = self.rng
        if self.free_mail and rng.random() < 0.1:
            theirs = [rng.choice(self.free_mail)]
            company = ""
        else:
            if rng.random() < 0.7:
                company = rng.choice(self.territory[primary])
            else:
                company = rng.choices(self.companies, weights=self.weights)[0]
            people = self.by_company[company]
            theirs = rng.sample(people, min(len(people), 1 + (rng.random() < 0.3)))
        ours = [primary]
        if rng.random() < self.spec.share_second_rep and len(self.org.reps) > 1:
            ours.append(rng.choice([r.email for r in self.org.reps if r.email != primary]))
        subject = texts.fill(rng.choice(texts.EXTERNAL_SUBJECTS), rng, company)
        inbound_first = rng.random() < 0.5
        length = 1 + min(int(rng.expovariate(0.6)), 7)
        date, parent = self._when(), None
        for turn in range(length):
            if date > self.end:
                return
            if (turn % 2 == 0) != inbound_first:
                sender = self._rep(ours[1] if len(ours) > 1 and rng.random() < 0.3 else ours[0])
                to = tuple(person.address(rng) for person in theirs)
                cc = tuple(self._rep(e) for e in ours if e != sender.email)
            else:
                writer = rng.choice(theirs)
                sender = writer.address(rng)
                to = (self._rep(primary),)
                others = [p.address(rng) for p in theirs if p is not writer]
                cc = (*others, *(self._rep(e) for e in ours[1:]))
            message = self._compose(sender, to=to, cc=cc, subject=subject, parent=parent, date=date)
            yield message
            parent, date = message, self._later(date)

    def _internal(self, primary: str) -> Iterator[Message]:
        rng = self.rng
        others = [r.email for r in self.org.reps if r.email != primary]
        group = [primary, *rng.sample(others, min(len(others), 1 + (rng.random() < 0.3)))]
        subject = texts.fill(rng.choice(texts.INTERNAL_SUBJECTS), rng, rng.choice(self.companies))
        date, parent = self._when(), None
        for turn in range(1 + min(int(rng.expovariate(0.8)), 5)):
            if date > self.end:
                return
            sender = group[turn % len(group)] if turn else rng.choice(group)
            to = tuple(self._rep(e) for e in group if e != sender)
            message = self._compose(
                self._rep(sender), to=to[:1], cc=to[1:], subject=subject, parent=parent, date=date
            )
            yield message
            parent, date = message, self._later(date)

    def _automated(self, primary: str) -> Message:
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            name, local, domain = rng.choice(VENDORS)
        elif roll < 0.9:
            company = self.company_by_name[rng.choice(self.companies)]
            name, local, domain = company.name, rng.choice(("noreply", "billing")), company.domain
        else:
            name, local, domain = "Brightwave CRM", "noreply", self.spec.internal_domains[0]
        headers: list[tuple[str, str]] = []
        if local in ("newsletter", "hello") or rng.random() < 0.6:
            headers.append(
                (
                    "List-Unsubscribe",
                    f"<mailto:unsubscribe@{domain}>, <https://{domain}/u/{rng.randrange(10**8)}>",
                )
            )
        if local.endswith(("noreply", "no-reply")) or rng.random() < 0.4:
            headers.append(("Auto-Submitted", "auto-generated"))
        if rng.random() < 0.5 or not headers:
            headers.append(("Precedence", "bulk"))
        sender = Address(f"{local}@{domain}", name)
        subject = texts.fill(rng.choice(texts.NEWSLETTER_SUBJECTS), rng)
        return self.org.compose(
            sender,
            (self._rep(primary),),
            subject=subject,
            body=texts.newsletter_body(rng, name),
            date=self._when(),
            extra_headers=tuple(headers),
            automated=True,
        )

    def _compose(
        self,
        sender: Address,
        *,
        to: tuple[Address, ...],
        cc: tuple[Address, ...],
        subject: str,
        parent: Message | None,
        date: datetime,
    ) -> Message:
        return self.org.compose(
            sender,
            to,
            cc=cc,
            subject=subject if parent is None else f"Re: {subject}",
            body=texts.body(self.rng, sender.name),
            date=date,
            parent=parent,
        )
