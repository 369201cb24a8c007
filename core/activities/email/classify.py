"""The decision for one message in one mailbox: skip it (and why), or log it for whom."""

from __future__ import annotations

from dataclasses import dataclass

from core.activities.email.automated import automated_reason
from core.activities.email.blocks import Blocks
from core.activities.email.message import Address, EmailMessage
from core.activities.email.policy import EmailPolicy


@dataclass(frozen=True)
class Decision:
    skip_reason: str  # "" when the message is logged
    direction: str = ""  # from the mailbox owner's point of view
    external: tuple[Address, ...] = ()  # participants who may be customers
    creatable: frozenset[str] = frozenset()  # of those, who may become a new customer

    @property
    def logged(self) -> bool:
        return not self.skip_reason


def classify(message: EmailMessage, *, owner: str, policy: EmailPolicy, blocks: Blocks) -> Decision:
    """Apply the rules in order: automated, internal-only, blocked, then who is external."""
    if policy.skip_automated:
        reason = automated_reason(message)
        if reason:
            return Decision(reason)
    owner = owner.lower()
    direction = "outbound" if message.sender and message.sender.email == owner else "inbound"
    outside = [
        person
        for person in message.everyone
        if person.email != owner and not policy.is_internal(person.domain)
    ]
    if not outside:
        return Decision("internal only")
    external = tuple(person for person in outside if not blocks.blocks(person))
    if not external:
        return Decision("blocked")
    return Decision("", direction, external, _creatable(direction, external, message, policy))


def _creatable(
    direction: str, external: tuple[Address, ...], message: EmailMessage, policy: EmailPolicy
) -> frozenset[str]:
    if policy.creation == "always":
        return frozenset(person.email for person in external)
    if policy.creation == "when_rep_wrote" and direction == "outbound":
        written = {person.email for person in message.recipients}
        return frozenset(person.email for person in external if person.email in written)
    return frozenset()
