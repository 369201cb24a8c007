"""Erasure (the right to be forgotten): a customer's personal data leaves every table.

What the person was known by stays only as keyed hashes (``core.identity.suppressed``),
so no later sync or import brings them back, and ``customer.erased`` tells every
webhook receiver to erase them too.
"""

from core.erasure.erase import ERASED_EVENT, erase_customer
from core.erasure.person import ErasureRefused

__all__ = ["ERASED_EVENT", "ErasureRefused", "erase_customer"]
