"""Errors about customers that a user can act on; each carries a plain message.

They live here, below ``core.identity``, because survivorship raises them too and
must not import the identity package (which builds on this one).
"""

from __future__ import annotations


class IdentityError(Exception):
    """A customer or identity operation was refused; ``str(error)`` says why, plainly."""


class CustomerNotFound(IdentityError):
    """No customer has this id."""

    def __init__(self, customer_id: int) -> None:
        super().__init__(f"customer {customer_id} does not exist")
        self.customer_id = customer_id


class UnknownField(IdentityError):
    """A pin names a field the golden record does not have."""

    def __init__(self, field: str) -> None:
        super().__init__(f"'{field}' is not a customer field")
        self.field = field
